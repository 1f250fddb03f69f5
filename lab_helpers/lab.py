"""The learner's lab: the session platform plus the simulators and pictures, one method each.

    import lab_helpers
    lab = lab_helpers.start_lab("01_vpc_basics")   # sandbox by default; MODE="live" for a real account
    ec2 = lab.client("ec2")
    lab.trace("i-0abc...", "8.8.8.8", port=443)     # hop by hop, naming the rule that decided
    lab.teardown()

This module sits above every layer (it is the only place that joins them), so each method imports its layer
lazily: a lab pays only for what it uses.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.core.session import LabSession, open_session
from lab_helpers.errors import SolutionNotFound


class Lab(LabSession):
    """An open lab: clients, mode, Region, run id, teardown — and the simulators that explain the world.

    Public API (code outside this repository depends on these names): ``client``, ``raw_client``, ``session``,
    ``teardown``, ``mode``, ``region``, ``run_id``, and the methods below.
    """

    def draw(self, trace=None, **kwargs):
        """Draw the current topology (VPCs, AZs, subnets, route tables, gateways) from describe calls; with
        ``trace`` (what ``lab.trace`` returned), draw the topology it was traced on with its path on top."""
        from lab_helpers.teach import draw

        if trace is not None:
            return draw.trace(trace, **kwargs)
        return draw.vpc(self, **kwargs)

    def estimate(self):
        """The billable resources alive in this lab and their hourly cost (from data/pricing)."""
        from lab_helpers.sim import costs

        return costs.estimate(self)

    def trace(self, source, destination, port: int = 443, protocol: str = "tcp", **kwargs):
        """Walk a flow hop by hop as Reachability Analyzer does; the result shows each hop and who blocked it."""
        from lab_helpers.sim import flowlogs, netsim

        result = netsim.trace(self, source, destination, port=port, protocol=protocol, **kwargs)
        flowlogs.observe(self, result)  # recorded when a flow log covers an interface on the path (sandbox only)
        return result

    def traffic(self, flows=None, *, day_from=None, seed=None, heavy=None):
        """Generate traffic for the flow logs: ``flows`` — (source, destination, port, bytes, repeat) tuples — or,
        with ``day_from=[instance ids]``, a day of internet traffic from them (one, ``heavy`` or the seed's, sends
        far more). Returns a report; the records go to every flow log that covers the interfaces on each path."""
        from lab_helpers.sim.flowlogs import traffic

        if day_from is not None:
            return traffic.day(self, day_from, seed=seed or 0, heavy=heavy)
        return traffic.send(self, flows or [], seed=seed)

    def reachability_matrix(self, instances, port: int = 443, protocol: str = "tcp"):
        """Who reaches whom on ``port``: a grid over ``instances`` (ids), coloured by the engine's verdict."""
        from lab_helpers.sim import netsim

        return netsim.reachability_matrix(self, instances, port=port, protocol=protocol)

    def resolve(self, name: str, vpc_id: str, rtype: str = "A"):
        """Answer a DNS query as the Route 53 Resolver of ``vpc_id`` would (private zones, endpoints, rules)."""
        from lab_helpers.sim import dns

        return dns.resolve(self, name, vpc_id, rtype=rtype)

    def imds(self, instance_id: str, **options):
        """Serve ``instance_id``'s metadata on 127.0.0.1 (a context manager yielding the base URL)."""
        from lab_helpers.sim import imds

        return imds.serve(self, instance_id, **options)

    def eks_cluster(self, name: str, vpc_id: str, subnets, **kwargs):
        """Create an EKS cluster and its nodes (modelled as EC2 instances) in ``subnets``."""
        from lab_helpers.sim import k8s as lattice

        return lattice.eks_cluster(self, name, vpc_id, subnets, **kwargs)

    def kubectl_apply(self, manifest, cluster: str):
        """Apply Kubernetes YAML (text or path) to the modelled cluster; the controller model reconciles it."""
        from lab_helpers.sim import k8s as lattice

        return lattice.kubectl_apply(self, manifest, cluster=cluster)

    def kubectl_get(self, kind: str, name: str = None, cluster: str = None, namespace: str = "default"):
        from lab_helpers.sim import k8s as lattice

        return lattice.kubectl_get(self, kind, name, cluster=cluster, namespace=namespace)

    def http(self, from_vpc: str, url: str, method: str = "GET", headers=None, source: str = None):
        """Send an HTTP request from ``from_vpc`` through VPC Lattice; the response shows every hop. ``source`` is
        the client's private IP, checked against the VPC association's security groups when it has any."""
        from lab_helpers.sim import k8s as lattice

        return lattice.http(self, from_vpc, url, method=method, headers=headers, source=source)

    def incident(self, kind: Optional[str] = None, seed: Optional[int] = None, solutions: bool = False,
                 lab: Optional[str] = None):
        """Inject a hidden fault (``kind``, or one the seed picks, from lab number ``lab``'s kinds when given) into
        a small new world; returns the :class:`Incident` to diagnose: ``.symptom``, ``.resources``, ``.check()``,
        ``.hint()``, ``.explain()``, and ``.solve()`` when ``solutions`` is true (the notebook passes ``SOLUTIONS``)."""
        from lab_helpers.lessons import incidents

        return incidents.incident(self, kind, seed, solutions=solutions, from_lab=lab)

    def wait_for(self, kind: str, resource_id: str, **kwargs):
        """Wait for a slow resource (NAT gateway, TGW attachment, endpoint…) with a progress bar in live mode."""
        from lab_helpers.core import waits

        if kwargs.get("reporter") is None and self.mode != "sandbox":
            # Core only prints; the bar is a teaching widget, shown when a notebook kernel can render it.
            from lab_helpers.teach import widgets

            kwargs["reporter"] = widgets.wait_reporter()
        return waits.wait_for(self, kind, resource_id, **kwargs)

    def solution(self, name: str):
        """The reference solution ``name`` of this lab's exercises (used when ``SOLUTIONS=True``)."""
        from lab_helpers.teach import solutions

        if not self.course:
            raise SolutionNotFound(f"{self.name} is your own lab, not a course lab, so it has no reference solution "
                                   f"{name!r}: set SOLUTIONS = False, or open a course lab (`vpclab list`).")
        return solutions.load(self.name, name)


def _install_fidelity(lab: LabSession) -> bool:
    from lab_helpers import fidelity

    return fidelity.install_on(lab)


def _price_notice(service: str, operation: str, params: dict, region: str):
    from lab_helpers.sim.costs import notices

    return notices.price_notice(service, operation, params, region)


def start_lab(name: str, mode: Optional[str] = None, region: Optional[str] = None, *, server: bool = False,
              live_ok: bool = False, quiet: bool = False) -> Lab:
    """Open lab ``name`` (e.g. ``"01_vpc_basics"`` or ``"01"``) and return its :class:`Lab`.

    Any other safe name (``"our-network-notes"``) opens *your own* lab: the same sandbox or live session, tagged
    ``vpclab:lab=<name>`` and torn down the same way, but not one of the course's labs.

    ``mode`` defaults to ``$VPCLAB_MODE``, else ``"sandbox"``. In sandbox mode ``server=True`` also starts a moto
    server on 127.0.0.1 and sets ``AWS_ENDPOINT_URL`` so ``!aws ...`` shell cells see the same world.
    Live mode needs ``VPCLAB_LIVE_OK=yes`` (or ``live_ok=True``) and a region.
    """
    lab = open_session(name, mode, region, server=server, live_ok=live_ok, quiet=quiet, cls=Lab,
                       install_fidelity=_install_fidelity, price_notice=_price_notice)
    assert isinstance(lab, Lab)
    return lab
