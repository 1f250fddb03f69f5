"""The session platform: opening a lab (sandbox or live), its clients, tags, ledger, teardown and waits.

Nothing here knows about simulators or teaching aids; they sit above and reach the world through a
:class:`~lab_helpers.core.session.LabSession`'s describe calls.
"""

from lab_helpers.core import service_catalog as _service_catalog

# Before anything imports moto's EC2 models: they ask botocore for Regions at import time (see service_catalog).
_service_catalog.install()
