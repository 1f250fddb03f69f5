"""Test your own network on the sandbox: a pytest fixture and assertions that read like the domain.

    # test_network.py — with vpc-labs installed, pytest loads the plugin itself (entry point ``pytest11``)
    from lab_helpers.testing import assert_not_reachable, assert_reachable, assert_resolves

    def test_app_reaches_db_and_nothing_else(vpc_sandbox):
        net = build_network(vpc_sandbox.client("ec2"))          # your boto3 script, run against the sandbox
        assert_reachable(vpc_sandbox, net.app, net.db, 5432)
        assert_not_reachable(vpc_sandbox, net.app, net.db, 22)   # fails with the trace that let it through

``vpc_sandbox`` (in :mod:`lab_helpers.testing.plugin`) is a lab session in the sandbox — moto in this process, the
fidelity layer on top, nothing leaves 127.0.0.0/8 — torn down after the test. Each assertion returns what it
checked (a trace or a DNS answer) and, when it fails, says what the network did instead: the failure message *is*
the hop-by-hop trace, or the Resolver's steps.

Sources and destinations are whatever ``lab.trace`` takes: instance or ENI ids, ``"internet"``, addresses.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Optional, Union

__all__ = ["aws_rules", "raise_quotas", "assert_reachable", "assert_not_reachable", "assert_resolves",
           "assert_does_not_resolve", "assert_reachable_only_from"]


@contextmanager
def aws_rules(region: str = "us-east-1") -> Iterator:
    """AWS's rules (the course's fidelity layer) inside your own ``@mock_aws`` tests, for every client.

        @mock_aws
        def test_subnet_too_small():
            with aws_rules():
                ec2 = boto3.client("ec2", region_name="us-east-1")
                vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
                with pytest.raises(ClientError, match="InvalidSubnet.Range"):
                    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/29")

    The same as the ``aws_rules`` fixture. Nothing is tagged or recorded: your test owns its world.
    """
    from lab_helpers import fidelity
    from lab_helpers.fidelity.standalone import standalone_layer

    layer = standalone_layer(region)
    fidelity.activate(layer)
    try:
        yield layer
    finally:
        fidelity.deactivate(layer)


def raise_quotas(lab, regions: Optional[Iterable[str]] = None, value: int = 1000) -> None:
    """Ask Service Quotas for more of every default quota the sandbox enforces (VPCs, Elastic IPs, gateways...),
    as an account owner would before building a big world; the sandbox approves at once."""
    from lab_helpers.fidelity.ec2.quotas import DEFAULTS

    for region in regions or [lab.region]:
        quotas = lab.client("service-quotas", region)
        for quota in DEFAULTS:
            quotas.request_service_quota_increase(ServiceCode=quota.service_code, QuotaCode=quota.quota_code,
                                                  DesiredValue=float(value))


def _trace(lab, source, destination, port, protocol, options):
    from lab_helpers.sim import netsim

    return netsim.trace(lab, source, destination, port=port, protocol=protocol, **options)


def assert_reachable(lab, source, destination, port: Optional[int] = 443, protocol: str = "tcp", **options):
    """``source`` reaches ``destination`` on ``protocol``/``port`` and the reply gets back; returns the trace.

    Fails with the trace: each hop, the rule that decided, and the one sentence saying what blocked it.
    """
    result = _trace(lab, source, destination, port, protocol, options)
    if not result.reachable:
        raise AssertionError(f"expected {source} to reach {destination} on {protocol}/{port}, but it cannot "
                             f"[{result.code}]:\n{result}")
    return result


def assert_not_reachable(lab, source, destination, port: Optional[int] = 443, protocol: str = "tcp", **options):
    """``source`` does NOT reach ``destination`` on ``protocol``/``port``; returns the trace (``.code`` says why).

    Fails with the trace of the path that lets the flow through, so the rule that is too open is named.
    """
    result = _trace(lab, source, destination, port, protocol, options)
    if result.reachable:
        raise AssertionError(f"expected {source} NOT to reach {destination} on {protocol}/{port}, but this path "
                             f"lets it through:\n{result}")
    return result


def assert_reachable_only_from(lab, destination, port: Optional[int], allowed: Iterable, among: Iterable,
                               protocol: str = "tcp"):
    """Of the sources ``among``, exactly those in ``allowed`` reach ``destination`` on ``port`` ("nothing else
    does"). Fails naming every source that is wrong, each with its trace."""
    allowed, among = list(allowed), list(dict.fromkeys([*allowed, *among]))
    wrong = []
    for source in among:
        if source == destination:
            continue
        result = _trace(lab, source, destination, port, protocol, {})
        if result.reachable != (source in allowed):
            wrong.append(f"{source} {'reaches' if result.reachable else 'does not reach'} {destination} on "
                         f"{protocol}/{port}, expected the opposite:\n{result}")
    if wrong:
        raise AssertionError(f"{len(wrong)} source(s) wrong for {destination} on {protocol}/{port}:\n" +
                             "\n\n".join(wrong))


def _answer(lab, name, vpc_id, rtype):
    from lab_helpers.sim import dns

    return dns.resolve(lab, name, vpc_id, rtype=rtype)


def assert_resolves(lab, name: str, vpc_id: str, expected: Union[str, Iterable[str], None] = None,
                    rtype: str = "A"):
    """``name`` resolves from inside ``vpc_id`` (as its Route 53 Resolver answers); returns the answer.

    ``expected``: ``None`` (any answer), one value (it must be among the answers), or a collection (the answers
    must be exactly those, in any order). Answers are ``dig +short`` style: CNAME targets, then addresses.
    Fails with the Resolver's answer and its steps (which zone answered, which rule forwarded).
    """
    answer = _answer(lab, name, vpc_id, rtype)
    if not answer.ok:
        raise AssertionError(f"expected {name} {rtype} to resolve from {vpc_id}, got {answer.rcode}:\n{answer}")
    if expected is None:
        return answer
    if isinstance(expected, str):
        if expected not in answer.answers:
            raise AssertionError(f"expected {name} {rtype} from {vpc_id} to answer {expected}:\n{answer}")
    elif set(expected) != set(answer.answers):
        raise AssertionError(f"expected {name} {rtype} from {vpc_id} to answer exactly {sorted(expected)}:\n{answer}")
    return answer


def assert_does_not_resolve(lab, name: str, vpc_id: str, rtype: str = "A"):
    """``name`` gets no answer from inside ``vpc_id`` (NXDOMAIN, REFUSED, ...); returns the answer."""
    answer = _answer(lab, name, vpc_id, rtype)
    if answer.ok:
        raise AssertionError(f"expected {name} {rtype} NOT to resolve from {vpc_id}:\n{answer}")
    return answer
