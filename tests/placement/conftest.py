import pytest

import lab_helpers


@pytest.fixture
def lab():
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.close()


@pytest.fixture
def ec2(lab):
    return lab.client("ec2")
