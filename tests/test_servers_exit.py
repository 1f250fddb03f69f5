"""A process that opened a loopback server and never closed it still exits (issue 16: servers hold no one hostage).

Each case runs in a fresh interpreter that opens a sandbox lab, starts one server, uses it once, and ends without
closing the server or the lab. The timeout is a hang detector (a hung interpreter never ends), not a timing claim.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANG = 180  # seconds: far above any normal exit on a loaded 2-core machine

OPEN = """
import contextlib
from lab_helpers import start_lab
from lab_helpers.sim import dns, imds
lab = start_lab("07", mode="sandbox", quiet=True{server})
ec2 = lab.client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
iid = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                        SubnetId=subnet)["Instances"][0]["InstanceId"]
"""

CASES = {
    # lab 07's own pattern: servers entered on an ExitStack that nobody closes
    "imds-exitstack": """
servers = contextlib.ExitStack()
base = servers.enter_context(lab.imds(iid, role="r"))
assert imds.curl(base + "/latest/meta-data/instance-id").body == iid
""",
    "imds-entered-by-hand": """
cm = lab.imds(iid)
base = cm.__enter__()
assert imds.curl(base + "/latest/meta-data/instance-id").body == iid
""",
    "ssrf-demo-app": """
servers = contextlib.ExitStack()
app = servers.enter_context(imds.vulnerable_fetcher())
assert "not on 127.0.0.0/8" in imds.curl(app + "/fetch?url=http://example.com/").body
""",
    "dns-server": """
server = dns.serve(lab, vpc)
assert server.query("nothing.internal")[0] in ("NXDOMAIN", "SERVFAIL", "NOERROR")
""",
    "moto-server": """
import os, urllib.request
url = os.environ["AWS_ENDPOINT_URL"]
assert url.startswith("http://127.0.0.1:")
urllib.request.urlopen(url + "/moto-api/data.json", timeout=30).read()
""",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_process_that_never_closes_its_server_still_exits(case, tmp_path):
    script = textwrap.dedent(OPEN.format(server=", server=True" if case == "moto-server" else "")) + CASES[case]
    script += "\nprint('script done', flush=True)\n"
    # os.environ's PYTHONPATH (set by conftest) holds this checkout and the network guard
    env = {**os.environ, "VPCLAB_HOME": str(tmp_path), "VPCLAB_NO_PROGRESS": "1"}
    try:
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=str(ROOT), capture_output=True,
                              text=True, timeout=HANG)
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"{case}: the interpreter never exited; output so far: {hung.stdout!r} {hung.stderr!r}")
    assert "script done" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]


def test_closing_the_lab_stops_the_servers_it_started(lab, ec2):
    from lab_helpers.core import loopback
    from lab_helpers.sim import dns, imds

    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    iid = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                            SubnetId=subnet)["Instances"][0]["InstanceId"]
    opened = lab.imds(iid)
    base = opened.__enter__()  # entered by hand, never left
    server = dns.serve(lab, vpc)
    answer = imds.curl(base + "/latest/meta-data/instance-id")
    assert answer.body == iid, answer
    assert loopback.running(lab) == 2
    lab.close()
    assert loopback.running(lab) == 0
    assert server.sock.fileno() == -1  # the DNS socket is closed
    assert imds.curl(base + "/latest/meta-data/instance-id", timeout=5).status == 0  # connection refused
