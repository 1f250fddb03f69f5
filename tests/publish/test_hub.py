"""A class on a real JupyterHub: three learners run lab 01 through the hub, the instructor sees it, nobody sees another.

The hub is `vpclab classroom serve`'s (lab_helpers.classroom.hub): JupyterHub with configurable-http-proxy on a free
loopback port, the shared-password authenticator, one single-user server and home per learner. Each learner logs in
with the password, starts their server and runs lab 01's code cells in a kernel over its websocket, with
``SOLUTIONS = True`` injected and VPCLAB_STRICT=1 (a failed check raises). The learners' servers and kernels carry
the socket guard (tests/netguard on PYTHONPATH, VPCLAB_NETWORK_GUARD=1), so nothing reaches beyond 127.0.0.0/8.
Memory and time are measured by benchmarks/classroom_hub.py, never asserted here.
"""
import sys
from pathlib import Path

import pytest

pytest.importorskip("jupyterhub", reason="the classroom extra is not installed: pip install -e '.[classroom]'")
pytest.importorskip("websocket", reason="websocket-client (a jupyter_server dependency) is not installed")

from lab_helpers import cli  # noqa: E402
from lab_helpers.classroom.hub import find_proxy  # noqa: E402
from lab_helpers.classroom.hub_client import hub_progress_report  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import classroom_hub  # noqa: E402

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("publish-heavy")]
LEARNERS = 3


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    if find_proxy() is None:
        pytest.skip("configurable-http-proxy is not installed (npm missing?): `make classroom` installs it "
                    "into .venv/node")
    root = tmp_path_factory.mktemp("classroom")
    log = open(root / "hub.log", "w")
    room, hub = classroom_hub.start_classroom(root, LEARNERS, log=log,
                                              learner_env={"VPCLAB_STRICT": "1", "VPCLAB_NETWORK_GUARD": "1"})
    try:
        yield room, hub
    finally:  # even when a test failed: the hub, its proxy, every server and kernel
        left = hub.stop()
        log.close()
        assert not left, f"still running after the hub stopped: {left}"


@pytest.fixture(scope="module")
def class_ran(classroom):
    room, hub = classroom
    learners, results, _ = classroom_hub.run_class(room, room.users)
    try:
        yield room, hub, learners, results
    finally:
        for learner in learners:
            learner.close()


def test_each_learner_runs_lab_01_in_their_own_server(class_ran):
    room, _, learners, results = class_ran
    assert sorted(r["user"] for r in results) == room.users
    assert len({r["pid"] for r in results}) == LEARNERS  # a kernel process each
    assert all(r["cells"] > 20 for r in results)
    for user in room.users:
        home = room.root / "homes" / user
        assert (home / "labs" / "01_vpc_basics.ipynb").exists()
        assert (home / ".vpclab" / "progress.json").exists()


def test_no_learner_sees_another_learners_world(class_ran):
    _, _, learners, results = class_ran
    mine = {r["user"]: r["mine"] for r in results}
    for learner in learners:
        seen = set(learner.seen())
        assert mine[learner.user] in seen
        others = {vpc for user, vpc in mine.items() if user != learner.user}
        assert not (seen & others), f"{learner.user} sees {seen & others}"


def test_the_socket_guard_is_on_in_every_learners_kernel(class_ran):
    for learner in class_ran[2]:
        assert learner.guard() == "OutboundConnectionBlocked"


def test_the_instructor_sees_every_learners_progress_through_the_hub(class_ran, capsys):
    room, hub, _, _ = class_ran
    report = hub_progress_report(hub.url, room.token)
    assert sorted(report.learners) == room.users, report.problems
    assert not report.problems
    for user in room.users:
        passed, seen = report.counts(user, "01_vpc_basics")
        assert seen > 0 and passed == seen, report.detail(user)
    assert cli.main(["progress", "--hub", hub.url, "--token", room.token]) == 0
    table = capsys.readouterr().out
    assert all(f"| {user} | ✅" in table for user in room.users), table


def test_a_wrong_password_or_token_is_refused(classroom):
    from lab_helpers.classroom.hub_client import HubClient
    from lab_helpers.errors import HubError

    room, hub = classroom
    with pytest.raises(HubError, match="403"):
        HubClient.login(hub.url, room.users[0], "not-the-password")
    with pytest.raises(HubError, match="403"):
        hub_progress_report(hub.url, "0" * 48)


def test_the_instructors_aws_credentials_do_not_reach_the_learners(class_ran):
    # The suite sets AWS keys; the spawner passes only its env_keep (PATH, PYTHONPATH, LANG...) and ours. A fresh
    # kernel, because once a lab has started moto's sandbox sets fake keys of its own.
    learner = class_ran[2][0]
    with learner.client.kernel("scratch.ipynb") as kernel:
        seen = kernel.execute("import os; print(sorted(k for k in os.environ if k.startswith('AWS_')))")["text"]
    assert seen.strip() == "[]"
