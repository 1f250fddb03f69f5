"""What an executed lab shows: no loopback or private IPv4 address presented as public.

A line of output is read as presenting an address as public when the address follows a word that says so
("public", "Elastic IP", "EIP", "PublicIp"…) within a few characters, or when it is any 127.x.x.x address other than
the sandbox's own 127.0.0.1 (AWS never hands out loopback). CIDR blocks ("public subnet 10.0.1.0/24") are names of
ranges, not addresses, and are skipped.
"""
from __future__ import annotations

import ipaddress
import re

PRESENTED_AS_PUBLIC = re.compile(
    r"(?i)\b(?:public(?:[ _-]?ip(?:v4)?s?)?|elastic ip(?: address)?|eips?)\b[\"':=\s]{1,6}(?:address\s+)?"
    r"(\d{1,3}(?:\.\d{1,3}){3})(?![\d/])")
LOOPBACK = re.compile(r"\b127\.\d{1,3}\.\d{1,3}\.\d{1,3}\b(?![\d/])")


def offenders(text: str) -> list[str]:
    """Lines of ``text`` that present a loopback or private IPv4 address as public."""
    bad = []
    for line in text.splitlines():
        ips = PRESENTED_AS_PUBLIC.findall(line) + [m for m in LOOPBACK.findall(line) if m != "127.0.0.1"]
        if any(not ipaddress.ip_address(ip).is_global for ip in ips if _is_ip(ip)):
            bad.append(line.strip()[:160])
    return bad


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def notebook_offenders(nb) -> list[str]:
    """Every offending output line of an executed notebook (nbformat node), with its cell number."""
    found = []
    for number, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [v for k, v in (out.get("data") or {}).items() if k.startswith("text/")]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else str(text)
                found += [f"cell {number}: {line}" for line in offenders(text)]
    return found
