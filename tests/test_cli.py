"""The vpclab command: list, run, cleanup (dry run by default), doctor (never secrets)."""

import os

from lab_helpers import cli


def test_list_shows_labs_and_minutes(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_vpc_basics" in out and "total" in out


def test_unknown_lab_is_a_clear_error(capsys):
    assert cli.main(["run", "42"]) == 2
    assert "There is no lab called '42'" in capsys.readouterr().err


def test_doctor_never_prints_secrets(capsys, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "AKIAIOSFODNN7EXAMPLE" not in out and "EXAMPLEKEY" not in out
    assert "credentials  visible, from env" in out


def test_cleanup_needs_a_target(capsys):
    assert cli.main(["cleanup"]) == 2
    assert "--run-id" in capsys.readouterr().err


def test_cleanup_against_the_sandbox_server(capsys, monkeypatch):
    """Dry run lists, --yes deletes: exercised against a loopback moto server started by a sandbox lab."""
    import lab_helpers

    lab = lab_helpers.start_lab("01", server=True, quiet=True)
    try:
        vpc = lab.client("ec2").create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        assert os.environ["AWS_ENDPOINT_URL"] == lab._sandbox.endpoint_url  # the sandbox exports its server
        assert cli.main(["cleanup", "--run-id", lab.run_id, "--region", "us-east-1"]) == 0
        out = capsys.readouterr().out
        assert vpc in out and "Dry run" in out
        assert lab.client("ec2").describe_vpcs(VpcIds=[vpc])["Vpcs"]
        assert cli.main(["cleanup", "--run-id", lab.run_id, "--region", "us-east-1", "--yes"]) == 0
        assert "Nothing tagged with this run is left" in capsys.readouterr().out
    finally:
        lab.teardown()
