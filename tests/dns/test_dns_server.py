"""The loopback DNS server and its wire format: what dig would see."""
import shutil
import subprocess

import pytest
from dns_world import add, make_vpc, make_zone

from lab_helpers.errors import LabError
from lab_helpers.sim import dns
from lab_helpers.sim.dns import wire as dnswire


def test_wire_round_trip():
    query = dnswire.parse_query(dnswire.build_query("API.My-App.internal", "A", ident=7))
    assert (query.ident, query.name, query.rtype) == (7, "api.my-app.internal.", "A")
    records = [("api.my-app.internal.", "CNAME", "web.my-app.internal."), ("web.my-app.internal.", "A", "10.0.1.5")]
    rcode, got = dnswire.parse_response(dnswire.build_response(query, "NOERROR", records))
    assert rcode == "NOERROR" and got == records
    assert dnswire.parse_response(dnswire.build_response(query, "NXDOMAIN", []))[0] == "NXDOMAIN"


def test_compressed_names_are_read():
    # a name made of a label plus a pointer back to offset 12 ("x." at the question)
    data = b"\x00" * 12 + b"\x01x\x00" + b"\x01a\xc0\x0c"
    assert dnswire.read_name(data, 15) == ("a.x.", 19)


def test_server_answers_like_resolve(lab, ec2, r53):
    vpc, other = make_vpc(ec2, "10.0.0.0/16"), make_vpc(ec2, "10.1.0.0/16")
    zone = make_zone(r53, "my-app.internal", vpc)
    add(r53, zone, "api.my-app.internal", "CNAME", "web.my-app.internal")
    add(r53, zone, "web.my-app.internal", "A", "10.0.1.5")
    with dns.serve(lab, vpc) as server, dns.serve(lab, other) as outsider:
        rcode, records = server.query("api.my-app.internal")
        assert rcode == "NOERROR"
        assert records == [("api.my-app.internal.", "CNAME", "web.my-app.internal."),
                           ("web.my-app.internal.", "A", "10.0.1.5")]
        assert outsider.query("api.my-app.internal")[0] == "NXDOMAIN"
        assert server.query("www.amazon.com")[0] == "SERVFAIL"
        assert ("api.my-app.internal.", "A", "NOERROR") in server.log
        if shutil.which("dig"):  # the real client, when the machine has one
            out = subprocess.run(["dig", "@127.0.0.1", "-p", str(server.port), "+short", "web.my-app.internal"],
                                 capture_output=True, text=True, timeout=10).stdout
            assert out.strip() == "10.0.1.5"


def test_server_needs_a_real_vpc(lab):
    with pytest.raises(LabError):
        dns.serve(lab, "vpc-00000000000000000")
