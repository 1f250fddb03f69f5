"""Just enough of the DNS wire format (RFC 1035) to answer ``dig @127.0.0.1 -p PORT name`` — stdlib only.

Pure functions: :func:`parse_query` reads a query datagram, :func:`build_response` writes the answer for a
:class:`lab_helpers.sim.dns.Answer`. No compression is used when writing (allowed by RFC 1035, simpler to read).
"""
from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

from lab_helpers.errors import LabInputError

TYPES = {1: "A", 5: "CNAME", 28: "AAAA", 2: "NS", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT"}
CODES = {v: k for k, v in TYPES.items()}
RCODES = {"NOERROR": 0, "SERVFAIL": 2, "NXDOMAIN": 3, "REFUSED": 5}
TTL = 60


@dataclass(frozen=True)
class Query:
    ident: int
    flags: int
    name: str  # fully qualified, lower-case, trailing dot
    qtype: int
    qclass: int
    question: bytes  # the raw question section, echoed back

    @property
    def rtype(self) -> str:
        return TYPES.get(self.qtype, str(self.qtype))


def read_name(data: bytes, offset: int) -> tuple[str, int]:
    """Read a (possibly compressed) domain name; return it with a trailing dot and the offset after it."""
    labels: list[str] = []
    jumped, end = False, offset
    for _ in range(128):  # a pointer loop must not hang the server
        length = data[offset]
        if length & 0xC0 == 0xC0:
            pointer = struct.unpack("!H", data[offset:offset + 2])[0] & 0x3FFF
            if not jumped:
                end = offset + 2
            offset, jumped = pointer, True
            continue
        if length == 0:
            if not jumped:
                end = offset + 1
            return ".".join(labels).lower() + ".", end
        labels.append(data[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    raise LabInputError("name compression loop")


def encode_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            raw = label.encode("ascii")
            out += bytes([len(raw)]) + raw
    return out + b"\x00"


def parse_query(data: bytes) -> Query:
    if len(data) < 12:
        raise LabInputError("short DNS message")
    ident, flags, qdcount = struct.unpack("!HHH", data[:6])
    if qdcount != 1:
        raise LabInputError("exactly one question expected")
    name, offset = read_name(data, 12)
    qtype, qclass = struct.unpack("!HH", data[offset:offset + 4])
    return Query(ident, flags, name, qtype, qclass, data[12:offset + 4])


def _rdata(rtype: str, value: str) -> bytes:
    if rtype == "A":
        return ipaddress.IPv4Address(value).packed
    if rtype == "AAAA":
        return ipaddress.IPv6Address(value).packed
    if rtype in ("CNAME", "NS", "PTR"):
        return encode_name(value)
    if rtype == "TXT":
        raw = value.strip('"').encode()[:255]
        return bytes([len(raw)]) + raw
    raise LabInputError(f"cannot encode {rtype}")


def build_response(query: Query, rcode: str, records) -> bytes:
    """``records``: (name, type, value) tuples in answer order (a CNAME chain, then the final addresses)."""
    answers = b""
    count = 0
    for name, rtype, value in records:
        try:
            rdata = _rdata(rtype, value)
        except ValueError:
            continue  # a type this tiny encoder does not know is left out rather than sent malformed
        answers += encode_name(name) + struct.pack("!HHIH", CODES[rtype], 1, TTL, len(rdata)) + rdata
        count += 1
    rd = query.flags & 0x0100
    flags = 0x8000 | (query.flags & 0x7800) | rd | 0x0080 | RCODES.get(rcode, 2)  # QR, opcode, RD, RA, RCODE
    return struct.pack("!HHHHHH", query.ident, flags, 1, count, 0, 0) + query.question + answers


def build_query(name: str, rtype: str = "A", ident: int = 0x1234) -> bytes:
    """A recursive query for ``name`` (what dig sends), for tests and notebooks."""
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", CODES[rtype], 1)


def parse_response(data: bytes) -> tuple[str, list]:
    """(rcode name, [(name, type, value)]) from a response — enough to check what the server said."""
    ident, flags, qd, an = struct.unpack("!HHHH", data[:8])
    rcode = {v: k for k, v in RCODES.items()}.get(flags & 0x000F, str(flags & 0x000F))
    offset = 12
    for _ in range(qd):
        _, offset = read_name(data, offset)
        offset += 4
    records = []
    for _ in range(an):
        name, offset = read_name(data, offset)
        rtype, _, _, length = struct.unpack("!HHIH", data[offset:offset + 10])
        offset += 10
        raw = data[offset:offset + length]
        kind = TYPES.get(rtype, str(rtype))
        if kind == "A":
            value = str(ipaddress.IPv4Address(raw))
        elif kind == "AAAA":
            value = str(ipaddress.IPv6Address(raw))
        elif kind in ("CNAME", "NS", "PTR"):
            value = read_name(data, offset)[0]
        else:
            value = raw.hex()
        records.append((name, kind, value))
        offset += length
    return rcode, records
