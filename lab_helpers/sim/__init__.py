"""The simulators: each reads the world through AWS describe calls only, so it explains a live account too.

- :mod:`~lab_helpers.sim.netsim`: the reachability engine (Reachability Analyzer's walk, hop by hop)
- :mod:`~lab_helpers.sim.dns`: the Route 53 Resolver of a VPC
- :mod:`~lab_helpers.sim.imds`: the instance metadata service
- :mod:`~lab_helpers.sim.nat`: port address translation on a NAT gateway
- :mod:`~lab_helpers.sim.hardware`: racks and hosts behind placement groups
- :mod:`~lab_helpers.sim.k8s`: EKS, Kubernetes objects, the Gateway API controller and the VPC Lattice data plane
- :mod:`~lab_helpers.sim.costs`: the cost model and its sourced prices

Results are plain data with ``__str__`` and ``_repr_html_``; pictures and widgets live in :mod:`lab_helpers.teach`.
"""
