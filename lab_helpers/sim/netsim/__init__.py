"""netsim: the project's network data plane — a Reachability Analyzer for the sandbox (and for live accounts).

moto stores VPC state but never decides whether a packet gets through. This package reads the state with boto3
describe calls only (:mod:`.snapshot`: its model, index and capture), then walks a flow hop by hop
(:mod:`.analyze`) using the rules of route tables (:mod:`.routing`), security groups and network ACLs
(:mod:`.filters`), gateways (:mod:`.gateways`), peering (:mod:`.peering`) and transit gateways (:mod:`.tgw`), and
explains where and why it stops (:mod:`.explain`). ``lab.trace`` (:mod:`.trace`) and the served EC2
``*NetworkInsights*`` API (:mod:`lab_helpers.fidelity.ec2.reachability_analyzer`) are two faces of this one engine.
"""
from lab_helpers.sim.netsim.analyze import Analysis, Endpoint, Hop  # the walk's results, defined in .packets
from lab_helpers.sim.netsim.snapshot.capture import capture, capture_with_state
from lab_helpers.sim.netsim.snapshot.model import Snapshot
from lab_helpers.sim.netsim.trace import (
           ReachabilityMatrix,
           TraceInputError,
           TraceResult,
           reachability_matrix,
           snapshot_of,
           trace,
)
from lab_helpers.sim.netsim.trace import run as trace_api_run  # resolve both ends and walk, on a given snapshot

__all__ = ["trace", "reachability_matrix", "TraceResult", "ReachabilityMatrix", "Hop", "Analysis", "Endpoint",
           "Snapshot", "capture", "capture_with_state", "snapshot_of", "TraceInputError", "trace_api_run"]
