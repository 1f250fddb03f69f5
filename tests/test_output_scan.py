"""The scanner the notebook tests use to keep loopback/private addresses from being shown as public."""
from output_scan import offenders


def test_loopback_and_private_addresses_shown_as_public_are_caught():
    assert offenders("NAT gateway nat-1 public address 127.190.189.141")
    assert offenders("'PublicIp': '10.40.1.10'")
    assert offenders("EIP 100.64.3.2 attached")
    assert offenders("allocated 127.4.5.6")  # loopback is never an AWS address, whatever the words around it


def test_public_addresses_ranges_and_the_sandbox_itself_pass():
    assert not offenders("NAT gateway nat-1 public address 3.210.4.5, private 10.40.0.10")
    assert not offenders("public subnet 10.40.0.0/24 routes 0.0.0.0/0 to igw-1")
    assert not offenders("IMDS emulator on http://127.0.0.1:8123")
    assert not offenders("'PublicIpAddress': '54.214.3.4'")
