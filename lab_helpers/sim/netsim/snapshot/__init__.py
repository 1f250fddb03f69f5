"""The network world the engine walks, read from describe calls only, in three parts that import one way:

- :mod:`.model` — the dataclasses (one per AWS resource), :class:`~.model.Snapshot` with JSON save/load, ``parse_ip``
- :mod:`.index` — :class:`~.index.SnapshotIndex`, the lookups the walk needs, built once per snapshot (``index_of``)
- :mod:`.capture` — describe calls -> Snapshot, one small reader per resource kind, following peerings to
  other regions (``capture``, ``capture_with_state``); its docstring lists every call one capture makes
- :mod:`.transit` — the transit-gateway readers (gateways, attachments, route tables) the capture calls
- :mod:`.describe` — ``pages``: one describe call, all its pages, at the largest page the API model allows

model <- index <- (routing, filters, tgw, ...) <- describe <- transit <- capture. Nothing is re-exported here so
importing the model never pulls in the capture; ``lab_helpers.sim.netsim`` exports the public names.
"""
