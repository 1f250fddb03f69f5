"""The sandbox makes no connection outside loopback, even with real-looking credentials and a profile set."""
import socket
import subprocess
import sys

import pytest
from netguard_impl import OutboundConnectionBlocked

import lab_helpers


def test_guard_blocks_non_loopback_addresses():
    # The guard must be able to fail, or the tests that rely on it prove nothing.
    with pytest.raises(OutboundConnectionBlocked):
        socket.create_connection(("10.1.2.3", 443), timeout=0.5)
    with pytest.raises(OutboundConnectionBlocked):
        socket.getaddrinfo("ec2.us-east-1.amazonaws.com", 443)


def test_guard_reaches_child_processes():
    code = "import socket\ntry:\n socket.create_connection(('192.0.2.1', 443), timeout=0.5)\n" \
           "except ConnectionRefusedError as e: print('blocked' if 'guard' in str(e) else 'other')\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "blocked"


def test_sandbox_ignores_real_looking_credentials_and_profile(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://ec2.us-east-1.amazonaws.com")
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    try:
        creds = lab.session.get_credentials()
        assert creds.access_key == "testing"
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        assert any(v["VpcId"] == vpc for v in ec2.describe_vpcs()["Vpcs"])
        lab.client("sts").get_caller_identity()
        lab.client("s3").list_buckets()
        import os
        assert "AWS_PROFILE" not in os.environ  # a `!aws` cell cannot pick the real profile either
    finally:
        lab.teardown()
    import os
    assert os.environ["AWS_PROFILE"] == "production"  # restored for the rest of the kernel


def test_server_mode_serves_aws_cli_style_clients_on_loopback():
    import boto3

    lab = lab_helpers.start_lab("01_vpc_basics", server=True, quiet=True)
    try:
        vpc = lab.client("ec2").create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        import os
        url = os.environ["AWS_ENDPOINT_URL"]
        assert url.startswith("http://127.0.0.1:")
        other = boto3.client("ec2", region_name="us-east-1", endpoint_url=url)
        assert vpc in [v["VpcId"] for v in other.describe_vpcs()["Vpcs"]]
    finally:
        lab.teardown()


# Each of these, set before a lab opens, would send a client elsewhere or make it pick real credentials.
HOSTILE = {
    "AWS_ENDPOINT_URL_EC2": "https://ec2.us-east-1.amazonaws.com",
    "AWS_ENDPOINT_URL_STS": "https://sts.amazonaws.com",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    "AWS_PROFILE": "production",
    "AWS_DEFAULT_PROFILE": "production",
    "AWS_CONFIG_FILE": "{hostile_config}",
    "AWS_SHARED_CREDENTIALS_FILE": "{hostile_config}",
    "AWS_USE_FIPS_ENDPOINT": "true",
    "AWS_USE_DUALSTACK_ENDPOINT": "true",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.10/creds",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "{hostile_config}",
    "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/prod",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://192.0.2.11",
    "AWS_STS_REGIONAL_ENDPOINTS": "regional",
}


@pytest.mark.parametrize("variable", sorted(HOSTILE))
def test_aws_cells_stay_on_loopback_whatever_the_environment_says(variable, monkeypatch, tmp_path):
    import os
    from pathlib import Path

    hostile_config = tmp_path / "config"
    hostile_config.write_text("[default]\nendpoint_url = https://ec2.us-east-1.amazonaws.com\n"
                              "[profile production]\nrole_arn = arn:aws:iam::111122223333:role/prod\n"
                              "credential_source = Ec2InstanceMetadata\n")
    value = HOSTILE[variable].format(hostile_config=hostile_config)
    monkeypatch.setenv(variable, value)
    lab = lab_helpers.start_lab("01_vpc_basics", server=True, quiet=True)
    try:
        vpc = lab.client("ec2").create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        assert variable not in os.environ or os.environ[variable] != value
        aws = str(Path(sys.executable).parent / "aws")
        # The child inherits the network guard: a request leaving 127.0.0.0/8 fails instead of reaching AWS.
        seen = subprocess.run([aws, "ec2", "describe-vpcs", "--query", "Vpcs[].VpcId", "--output", "text"],
                              capture_output=True, text=True, timeout=120)
        assert seen.returncode == 0, seen.stderr[-600:]
        assert vpc in seen.stdout.split()
        who = subprocess.run([aws, "sts", "get-caller-identity", "--query", "Account", "--output", "text"],
                             capture_output=True, text=True, timeout=120)
        assert who.returncode == 0 and who.stdout.strip() == "123456789012", who.stderr[-600:]
    finally:
        lab.teardown()
    assert os.environ[variable] == value  # restored when the lab closes
