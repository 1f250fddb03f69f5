"""Checks print ✅/❌ with a hint, never a traceback; strict mode turns ❌ into an exception."""
import pytest
from botocore.exceptions import ClientError

from lab_helpers.errors import CheckFailed
from lab_helpers.teach import check


def test_pass_and_fail_messages(capsys, monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)
    assert check.that("ok", lambda: True).passed
    res = check.that("a /16", lambda: "10.0.0.0/24".endswith("/16"), hint="use /16")
    out = capsys.readouterr().out
    assert not res.passed and "✅ ok" in out and "❌ a /16" in out and "hint: use /16" in out


def test_exception_in_predicate_becomes_a_failure_not_a_traceback(capsys, monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)
    err = ClientError({"Error": {"Code": "InvalidVpcID.NotFound", "Message": "no such vpc"}}, "DescribeVpcs")

    def boom():
        raise err
    res = check.that("vpc exists", boom)
    assert not res.passed and "InvalidVpcID.NotFound" in res.detail
    assert "Traceback" not in capsys.readouterr().out


def test_unfinished_exercise_is_explained(monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)

    def exercise():
        raise NotImplementedError
    assert check.run("ex", exercise) is None


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv("VPCLAB_STRICT", "1")
    with pytest.raises(CheckFailed, match="expected 3"):
        check.equal("three", 2, 3)


def test_raises_checks_the_aws_code(monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)

    def refuse():
        raise ClientError({"Error": {"Code": "InvalidSubnet.Range", "Message": "x"}}, "CreateSubnet")
    assert check.raises("refused", refuse, code="InvalidSubnet.Range").passed
    assert not check.raises("wrong code", refuse, code="Other").passed
    assert not check.raises("not refused", lambda: None).passed


def test_progress_is_recorded(monkeypatch, tmp_path):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)
    from lab_helpers.core import kernel
    monkeypatch.setattr(kernel, "current_lab_name", lambda: "01_vpc_basics")  # as if the lab were open
    check.that("recorded", True)
    from lab_helpers.teach import progress
    assert progress.load()["01_vpc_basics"]["recorded"]["passed"] is True


def test_a_check_that_ends_a_cell_is_shown_once(monkeypatch, capsys):
    """In a notebook the check displays itself; Jupyter's display of the cell's value must not repeat it."""
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.delenv("VPCLAB_STRICT", raising=False)
    shell = InteractiveShell.instance()
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))
    try:
        shell.run_cell("from lab_helpers import check\ncheck.that('once', True)")
    finally:
        InteractiveShell.clear_instance()
    assert sum("once" in d.get("text/html", "") for d in shown) == 1
    assert "once" not in capsys.readouterr().out  # the cell's value was not echoed again


def test_predictions_are_recorded_right_wrong_or_unanswered(tmp_path, monkeypatch):
    """A prediction cell records the learner's answer; the reveal says whether it was right and records both."""
    from lab_helpers.teach import predict

    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path))
    monkeypatch.delenv("VPCLAB_NO_PROGRESS", raising=False)
    right = predict.reveal(predict.answer("usable addresses in a /28", 11), 11)
    wrong = predict.reveal(predict.answer("which wins", "Rule 100"), "rule 50")
    silent = predict.reveal(predict.answer("reaches", None), ("yes", "no"))
    assert right.right and not wrong.right and not silent.answered and "did not predict" in str(silent)
    assert predict.reveal(predict.answer("case", ["YES", "no"]), ("yes", "No")).right
    saved = {e["question"]: e for e in predict.recorded()}
    assert saved["usable addresses in a /28"]["right"] and saved["which wins"]["guess"] == "Rule 100"
    assert saved["reaches"]["answered"] is False and saved["reaches"]["actual"] == ["yes", "no"]
