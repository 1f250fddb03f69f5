"""`vpclab serve` with the real AWS CLI: AWS's rules for any client, a request log with -v, a summary on Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from local_endpoint import start_serve

AWS = str(Path(sys.executable).parent / "aws")


def test_serve_answers_the_aws_cli_with_awss_rules_and_summarises_on_ctrl_c():
    proc, url = start_serve("-v", stdout=subprocess.PIPE)
    try:
        env = {**os.environ, "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}

        def aws(*args):
            return subprocess.run([AWS, *args], capture_output=True, text=True, env=env, timeout=120)

        vpc = aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--query", "Vpc.VpcId", "--output", "text")
        assert vpc.returncode == 0, vpc.stderr
        refused = aws("ec2", "create-subnet", "--vpc-id", vpc.stdout.strip(), "--cidr-block", "10.0.0.0/29")
        assert refused.returncode != 0 and "InvalidSubnet.Range" in refused.stderr
        served = aws("ec2", "create-placement-group", "--group-name", "spread-1", "--strategy", "spread")
        assert served.returncode == 0, served.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert f"export AWS_ENDPOINT_URL={url}" in out
    assert "CreateSubnet (us-east-1)" in out and "❌ 400" in out  # -v lists each request as it comes
    assert "us-east-1: 1 VPCs" in out and "Stopping after" in out
    assert proc.returncode == 0
