"""The PAT simulator against the notes' table and the NAT gateway AWS docs: nat-gateway-basics,
nat-gateway-troubleshooting, nat-gateway."""
import pytest

from lab_helpers.sim import nat
from lab_helpers.sim.nat import PatTable, PortAllocationError
from lab_helpers.teach import draw, widgets

DEST = "203.0.113.10:443"


def test_the_notes_table():
    table = PatTable(["10.20.1.100"])
    first = table.open("10.40.2.101:40001", DEST)
    second = table.open("10.40.2.201:40001", DEST)
    assert first.public == "10.20.1.100:40001" and not first.overloaded
    assert second.public == "10.20.1.100:50001" and second.overloaded
    assert "port overloading" in table.events[-1]


def test_same_port_is_reused_for_a_different_destination():
    table = PatTable(["10.20.1.100"])
    table.open("10.40.2.101:40001", DEST)
    other = table.open("10.40.2.201:40001", "198.51.100.7:443")
    assert other.public == "10.20.1.100:40001"  # unique per destination, not per address


def test_stride_wraps_and_then_scans():
    table = PatTable(["10.20.1.100"])
    ports = [table.open(f"10.40.2.{i}:60001", DEST).public_port for i in range(1, 10)]
    assert ports[:2] == [60001, 1024 + (60001 - 1024 + 10000) % 64512]
    assert len(set(ports)) == len(ports)
    assert all(nat.PORT_MIN <= p <= nat.PORT_MAX for p in ports)


def test_an_existing_flow_keeps_its_mapping_and_resets_its_idle_timer():
    table = PatTable(["10.20.1.100"])
    a = table.open("10.40.2.101:40001", DEST)
    table.advance(300)
    assert table.open("10.40.2.101:40001", DEST) is a
    table.advance(300)  # 300 s since the last packet: still alive
    assert table.lookup("10.40.2.101:40001", DEST) is a


def test_idle_timeout_drops_flows_at_350_seconds():
    table = PatTable(["10.20.1.100"])
    table.open("10.40.2.101:40001", DEST)
    assert table.advance(349) == []
    dropped = table.advance(1)
    assert len(dropped) == 1 and table.active == 0
    assert table.metrics["IdleTimeoutCount"] == 1
    # the port is free again: a new flow from another host gets 40001
    assert table.open("10.40.2.201:40001", DEST).public_port == 40001


def test_reply_finds_the_flow_and_unsolicited_inbound_finds_nothing():
    table = PatTable(["10.20.1.100"])
    table.open("10.40.2.101:40001", DEST)
    table.open("10.40.2.201:40001", DEST)
    assert table.reply("10.20.1.100:50001", DEST).private == "10.40.2.201:40001"
    assert table.reply("10.20.1.100:40001", "192.0.2.99:443") is None  # nobody opened a flow to it


def _fill(table, n, dest=DEST):
    for i in range(n):
        table.open(f"10.40.{i // 50000}.{1 + (i // 250) % 200}:{1024 + i % 50000}", dest)


def test_55000_per_destination_then_error_port_allocation_then_secondary_address():
    table = PatTable(["3.5.0.10"])
    _fill(table, 55_000)
    assert table.usage() == {("3.5.0.10", nat.Destination("203.0.113.10", 443, "tcp")): 55_000}
    with pytest.raises(PortAllocationError, match="ErrorPortAllocation"):
        table.open("10.99.0.1:1234", DEST)
    assert table.metrics["ErrorPortAllocation"] == 1
    # another destination still works: the limit is per unique destination
    assert table.open("10.99.0.1:1234", "203.0.113.10:80").public_ip == "3.5.0.10"
    table.add_address("3.5.0.11")
    assert table.open("10.99.0.1:1234", DEST).public_ip == "3.5.0.11"


def test_at_most_eight_addresses():
    table = PatTable(["3.5.0.10"])
    for i in range(11, 18):
        table.add_address(f"3.5.0.{i}")
    with pytest.raises(ValueError, match="at most 8"):
        table.add_address("3.5.0.99")
    with pytest.raises(ValueError, match="already"):
        table.add_address("3.5.0.11")


def test_bad_input_is_explained():
    table = PatTable(["3.5.0.10"])
    with pytest.raises(ValueError, match="IP:port"):
        table.open("10.0.0.1", DEST)
    with pytest.raises(ValueError, match="nat-gateway-basics.html"):
        table.open("10.0.0.1:5", DEST, protocol="gre")
    with pytest.raises(ValueError, match="forward"):
        table.advance(-1)


def test_close_frees_the_port():
    table = PatTable(["3.5.0.10"])
    table.open("10.40.2.101:40001", DEST)
    table.close("10.40.2.101:40001", DEST)
    assert table.active == 0 and table.open("10.40.2.201:40001", DEST).public_port == 40001


def test_views_and_plot_and_widget():
    import matplotlib
    matplotlib.use("Agg")
    table = PatTable(["3.5.0.10"])
    table.open("10.40.2.101:40001", DEST)
    table.open("10.40.2.201:40001", DEST)
    assert "50001" in str(table) and "fff8c5" in table._repr_html_()
    ax = draw.port_usage(table)
    assert ax.patches[0].get_width() == 2
    box = widgets.pat_table(table)
    assert box.children


def test_reads_addresses_from_describe(lab):
    if True:
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        alloc = ec2.allocate_address(Domain="vpc")
        natgw = ec2.create_nat_gateway(SubnetId=sub, AllocationId=alloc["AllocationId"])["NatGateway"]
        table = nat.for_nat_gateway(lab, natgw["NatGatewayId"])
        assert table.addresses == [alloc["PublicIp"]]
        assert nat.for_nat_gateway(lab, natgw["NatGatewayId"]) is table  # kept per lab
        private = ec2.create_nat_gateway(SubnetId=sub, ConnectivityType="private")["NatGateway"]
        addresses = nat.addresses_of(lab.raw_client("ec2"), private["NatGatewayId"])
        assert len(addresses) == 1 and not addresses[0].startswith(alloc["PublicIp"])


def test_stride_candidates_make_one_lap_only():
    """Stride 10,000 and the 64,512-port range share a factor of 16: going round more than once would try
    thousands of ports per overloaded flow. One lap is about 7 candidates, then the table scans."""
    candidates = list(nat.PreserveThenStride().candidates(40001))
    assert candidates[:3] == [40001, 50001, 60001]
    assert len(candidates) == 7 and len(set(candidates)) == 7


def test_many_flows_on_one_source_port_all_get_distinct_ports():
    table = PatTable(["3.5.0.10"])
    ports = {table.open(f"10.40.{i // 250}.{i % 250}:40001", DEST).public_port for i in range(3000)}
    assert len(ports) == 3000 and all(nat.PORT_MIN <= p <= nat.PORT_MAX for p in ports)
