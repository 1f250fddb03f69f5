"""botocore's data is parsed once per process: the same answers, from one loader, at a fraction of the cost."""
from __future__ import annotations

import botocore.session

from lab_helpers.core import service_catalog


def _fresh():
    return botocore.session.Session()


def test_the_memoised_regions_are_botocores_own():
    service_catalog.install()
    unwrapped = botocore.session.Session.get_available_regions.__wrapped__
    for service, partition in [("ec2", "aws"), ("ec2", "aws-cn"), ("vpc-lattice", "aws"), ("nope", "aws")]:
        assert _fresh().get_available_regions(service, partition) == unwrapped(_fresh(), service, partition)
    assert "us-east-1" in _fresh().get_available_regions("ec2")


def test_a_caller_that_edits_its_list_edits_only_its_own():
    service_catalog.install()
    mine = _fresh().get_available_regions("ec2")
    mine.clear()
    assert _fresh().get_available_regions("ec2")


def test_install_is_idempotent():
    service_catalog.install()
    first = botocore.session.Session.get_available_regions
    service_catalog.install()
    assert botocore.session.Session.get_available_regions is first


def test_another_data_path_gets_its_own_answer(tmp_path, monkeypatch):
    service_catalog.install()
    usual = _fresh().get_available_regions("ec2")
    # an empty extra data directory: botocore still finds its own data after it, and the key is a new one
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    assert _fresh().get_available_regions("ec2") == usual
    assert service_catalog.shared_loader(str(tmp_path)) is not service_catalog.shared_loader(None)


def test_sessions_given_the_shared_loader_share_one_parsed_model():
    one = service_catalog.share_loader(_fresh())
    two = service_catalog.share_loader(_fresh())
    assert one.get_component("data_loader") is two.get_component("data_loader") is service_catalog.shared_loader()
    assert one.get_service_data("ec2") is two.get_service_data("ec2")
