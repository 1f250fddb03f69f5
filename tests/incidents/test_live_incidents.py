"""A sample of incident kinds on the live path: live mode against ``vpclab serve`` on 127.0.0.1, through the same
ordinary API calls a real account would get; then teardown leaves nothing tagged with the run."""
from __future__ import annotations

import boto3
import pytest
from local_endpoint import local_endpoint
from nbrun import environment

import lab_helpers
from lab_helpers.core.teardown import leftovers

SAMPLE = ["igw-route-missing", "nacl-ephemeral", "gateway-endpoint-route", "peering-route-one-side",
          "tgw-not-propagated", "phz-not-associated", "imds-hop-limit"]


@pytest.fixture(scope="module")
def moto_server():
    with local_endpoint() as url:  # vpclab serve: AWS's rules, as a real account would enforce them
        yield url


@pytest.mark.live
@pytest.mark.parametrize("kind", SAMPLE)
def test_incident_on_the_live_path_leaves_nothing(kind, moto_server, tmp_path):
    env = {"AWS_ENDPOINT_URL": moto_server, "VPCLAB_LIVE_OK": "yes", "VPCLAB_HOME": str(tmp_path),
           "VPCLAB_STRICT": None, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    with environment(**env):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        try:
            assert lab.backend != "aws"
            incident = lab.incident(kind, seed=21, solutions=True)
            assert not incident.symptom_gone() and not incident.verify().passed
            incident.solve()
            assert incident.check().passed, incident.verify().detail
        finally:
            lab.teardown()
    client_for = lambda service, region: boto3.client(service, region_name=region, endpoint_url=moto_server,  # noqa: E731
                                                      aws_access_key_id="testing", aws_secret_access_key="testing")
    assert leftovers(lab.run_id, ["us-east-1"], client_for) == []
