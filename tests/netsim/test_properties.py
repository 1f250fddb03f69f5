"""Property tests: the engine's route lookup and NACL evaluation against brute-force references (AWS docs:
route-priority, gateway-endpoints, nacl-rules).

No sandbox here: the functions under test are pure over plain dataclasses.
"""
import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from lab_helpers.sim.netsim import filters, routing
from lab_helpers.sim.netsim.snapshot.index import index_of
from lab_helpers.sim.netsim.snapshot.model import NaclEntry, NetworkAcl, PrefixList, Route, RouteTable, Snapshot

# Small address space so random routes overlap often.
octet = st.integers(0, 3)
prefix = st.integers(0, 32)


@st.composite
def cidr(draw):
    ip = ipaddress.IPv4Address(f"10.{draw(octet)}.{draw(octet)}.{draw(st.integers(0, 255))}")
    net = ipaddress.ip_network(f"{ip}/{draw(st.sampled_from([0, 8, 14, 15, 16, 20, 23, 24, 28, 30, 32]))}",
                               strict=False)
    return str(net)


@st.composite
def table(draw):
    """Random routes of the three kinds (static CIDR, prefix list, propagated) plus the prefix lists they use."""
    snap = Snapshot(regions=["us-east-1"])
    routes = []
    for n in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["static", "pl", "propagated"]))
        if kind == "pl":
            pl = PrefixList(f"pl-{n}", f"list{n}", "us-east-1", draw(st.lists(cidr(), min_size=1, max_size=3)))
            snap.prefix_lists[pl.id] = pl
            routes.append(Route(pl.id, "gateway", f"vpce-{n}"))
        else:
            routes.append(Route(draw(cidr()), "gateway", f"t-{n}",
                                "EnableVgwRoutePropagation" if kind == "propagated" else "CreateRoute"))
    rt = RouteTable("rtb-1", "vpc-1", "us-east-1", True, [], routes)
    snap.route_tables[rt.id] = rt
    return snap, rt


def _reference_rows(snap, rt):
    rows = []
    for r in rt.routes:
        cidrs = snap.prefix_lists[r.destination].cidrs if r.is_prefix_list else [r.destination]
        rows.extend((c, routing.route_rank(r), r) for c in cidrs)
    return rows


@settings(max_examples=200, deadline=None)
@given(table(), st.integers(0, 3), st.integers(0, 3), st.integers(0, 255))
def test_route_lookup_matches_brute_force(world, b, c, d):
    """AWS docs: route-priority, gateway-endpoints: longest prefix (per prefix-list entry), then static > prefix list >
    propagated."""
    snap, rt = world
    ip = f"10.{b}.{c}.{d}"
    got = routing.lookup(index_of(snap), rt, ip)
    want = routing.brute_force_lookup(_reference_rows(snap, rt), ip)
    if want is None:
        assert got is None
    else:
        best = max((ipaddress.ip_network(c).prefixlen, k) for c, k, r in _reference_rows(snap, rt)
                   if ipaddress.ip_address(ip) in ipaddress.ip_network(c))
        assert got is not None
        assert (ipaddress.ip_network(got.matched_cidr).prefixlen, routing.route_rank(got.route)) == best


def test_static_beats_prefix_list_beats_propagated_for_equal_prefix():
    """AWS docs: route-priority, worked example: three routes for 10.0.0.0/16."""
    snap = Snapshot(regions=["r"])
    snap.prefix_lists["pl-a"] = PrefixList("pl-a", "a", "r", ["10.0.0.0/16"])
    rt = RouteTable("rtb", "vpc", "r", True, [], [Route("10.0.0.0/16", "gateway", "prop", "EnableVgwRoutePropagation"),
                                                 Route("pl-a", "gateway", "vpce-x"),
                                                 Route("10.0.0.0/16", "gateway", "static")])
    assert routing.lookup(index_of(snap), rt, "10.0.1.1").route.target_id == "static"
    rt.routes.pop()
    snap.index_cache = None
    assert routing.lookup(index_of(snap), rt, "10.0.1.1").route.target_id == "vpce-x"


def test_ipv4_route_never_matches_ipv6():
    """AWS docs: route-tables: 0.0.0.0/0 does not carry IPv6; ::/0 does."""
    snap = Snapshot(regions=["r"])
    rt = RouteTable("rtb", "vpc", "r", True, [], [Route("0.0.0.0/0", "gateway", "igw-4")])
    assert routing.lookup(index_of(snap), rt, "2600::1") is None
    rt.routes.append(Route("::/0", "eigw", "eigw-6"))
    snap.index_cache = None
    assert routing.lookup(index_of(snap), rt, "2600::1").route.target_id == "eigw-6"


protocols = st.sampled_from(["-1", "6", "17"])


@st.composite
def nacl_entries(draw):
    entries = []
    numbers = draw(st.lists(st.integers(1, 32766), min_size=0, max_size=8, unique=True))
    for n in numbers:
        proto = draw(protocols)
        lo = draw(st.integers(0, 70))
        hi = draw(st.integers(lo, 80))
        entries.append(NaclEntry(n, draw(st.booleans()), proto, draw(st.sampled_from(["allow", "deny"])), draw(cidr()),
                                 lo if proto != "-1" else None, hi if proto != "-1" else None))
    entries.append(NaclEntry(32767, False, "-1", "deny", "0.0.0.0/0"))
    entries.append(NaclEntry(32767, True, "-1", "deny", "0.0.0.0/0"))
    return entries


@settings(max_examples=200, deadline=None)
@given(nacl_entries(), st.booleans(), st.sampled_from(["6", "17"]), st.integers(0, 80), st.integers(0, 20),
       st.integers(0, 3), st.integers(0, 255))
def test_nacl_range_evaluation_matches_per_port_brute_force(entries, egress, proto, lo, width, c, d):
    """AWS docs: nacl-rules: lowest number first, first match decides, '*' denies; a range is allowed iff every port is.
    """
    acl = NetworkAcl("acl", "vpc", "r", False, [], entries)
    hi = min(lo + width, 80)
    ip = f"10.0.{c}.{d}"
    verdict = filters.nacl_evaluate(acl, egress, proto, (lo, hi), ip)
    per_port = {p: filters.nacl_brute_force(entries, egress, proto, p, ip) for p in range(lo, hi + 1)}
    assert verdict.allowed == all(per_port.values())
    for piece in verdict.pieces:  # every piece agrees with the reference on each of its ports
        for p in range(piece.lo, piece.hi + 1):
            assert piece.allowed == per_port[p]
    assert sorted(p for piece in verdict.pieces for p in range(piece.lo, piece.hi + 1)) == list(range(lo, hi + 1))


def test_nacl_with_no_entries_denies():
    """AWS docs: nacl-rules: a NACL with no rules (moto's new custom NACL) denies, as AWS's final '*' rule does."""
    acl = NetworkAcl("acl", "vpc", "r", False, [], [])
    assert not filters.nacl_evaluate(acl, False, "6", (443, 443), "10.0.0.1").allowed


def test_snapshot_json_round_trip(tmp_path):
    """A snapshot saves to JSON and loads back equal (data/snapshots/ holds an example)."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "lab_helpers" / "data" / "snapshots" / "public_private_nat.json"
    snap = Snapshot.load(example)
    out = tmp_path / "s.json"
    snap.save(out)
    again = Snapshot.load(out)
    assert again.to_dict() == snap.to_dict()
    assert snap.route_tables and snap.enis and snap.nacls
