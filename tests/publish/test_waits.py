"""The progress helper for slow resources: returns at once in the sandbox, reports every state change live."""
import io

import pytest

from lab_helpers import start_lab
from lab_helpers.core import waits
from lab_helpers.errors import LabError
from lab_helpers.teach import widgets


@pytest.fixture
def lab():
    lab = start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.teardown()


def _nat(lab):
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"]["NatGatewayId"]


def test_sandbox_nat_gateway_is_ready_after_one_describe(lab):
    nat = _nat(lab)
    out = io.StringIO()
    outcome = waits.wait_for(lab, "natgateway", nat, reporter=waits.TextReporter(out))
    assert outcome.ready and outcome.state == "available" and outcome.polls == 1
    text = out.getvalue()
    assert "NAT gateway" in text and nat in text and "available" in text


def test_unknown_resource_in_sandbox_fails_with_a_clear_message(lab):
    with pytest.raises(LabError, match="not found"):
        waits.wait_for(lab, "vpc_endpoint", "vpce-0123456789abcdef0", reporter=waits.TextReporter(io.StringIO()))


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(LabError, match="nat_gateway"):
        waits.waitable("load balancer")
    assert waits.waitable("TGW-attachment") is waits.WAITABLES["transit_gateway_attachment"]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_poll_reports_each_state_change_until_available():
    clock = FakeClock()
    states = iter(["pending", "pending", "pending", "available"])
    out = io.StringIO()
    spec = waits.waitable("nat_gateway")
    outcome = waits.poll(lambda: next(states), spec, "nat-1", waits.TextReporter(out, every=1e9), timeout=900,
                         interval=10, clock=clock, sleep=clock.sleep)
    assert outcome.ready and outcome.polls == 4 and outcome.seconds == 30
    assert [s for _, s in outcome.history] == ["pending", "available"]
    # one "start" line, one line per state change, one summary line
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 4 and "30 s" in lines[-1]


def test_poll_stops_on_failure_and_on_timeout():
    spec = waits.waitable("tgw_attachment")
    clock = FakeClock()
    failed = waits.poll(lambda: "failed", spec, "tgw-attach-1", waits.TextReporter(io.StringIO()), timeout=600,
                        interval=5, clock=clock, sleep=clock.sleep)
    assert not failed.ready and failed.polls == 1
    clock = FakeClock()
    stuck = waits.poll(lambda: "pending", spec, "tgw-attach-1", waits.TextReporter(io.StringIO()), timeout=60,
                       interval=25, clock=clock, sleep=clock.sleep)
    assert not stuck.ready and stuck.state == "pending" and stuck.seconds == 60 and stuck.polls == 4


def test_widget_reporter_fills_the_bar_and_colours_the_result():
    pytest.importorskip("ipywidgets")
    reporter = widgets.WidgetReporter()
    spec = waits.waitable("vpc_endpoint")
    reporter.start(spec, "vpce-1")
    reporter.update(spec, "vpce-1", "pending", 60)
    assert 0 < reporter.bar.value < 1 and "pending" in reporter.label.value
    reporter.finish(waits.Outcome(spec.label, "vpce-1", "available", 61, True, 3))
    assert reporter.bar.value == 1.0 and reporter.bar.bar_style == "success"


def test_sandbox_default_output_is_one_line_that_says_what_live_costs(lab, capsys):
    nat = _nat(lab)
    capsys.readouterr()
    waits.wait_for(lab, "nat_gateway", nat)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and nat in out[0] and "available" in out[0] and "real account" in out[0]


@pytest.mark.live
def test_live_mode_against_a_loopback_moto_server_polls_with_text_progress(monkeypatch, tmp_path):
    """Live mode (a moto server on 127.0.0.1, never AWS): the real polling path, not the sandbox shortcut."""
    import subprocess
    import sys
    import time
    import urllib.request

    from lab_helpers.core.sandbox import free_loopback_port

    port = free_loopback_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # bounded wait for the server to answer
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        monkeypatch.setenv("VPCLAB_LIVE_OK", "yes")
        live = start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        try:
            nat = _nat(live)
            out = io.StringIO()
            outcome = waits.wait_for(live, "nat_gateway", nat, interval=0.1, reporter=waits.TextReporter(out))
            assert outcome.ready and outcome.state == "available"
            assert "Waiting for NAT gateway" in out.getvalue() and "usually" in out.getvalue()
        finally:
            live.teardown()
    finally:
        server.terminate()
        server.wait(timeout=10)
