"""Two changes to how moto holds its EC2 data, for memory and speed; every answer stays the one moto gives.

**Instance-type offerings, read when a Region first needs them instead of all at import.**

``moto.ec2.models.instance_types`` reads, at import, which instance types are offered in every Region, every
Availability Zone and every zone id of every partition: 150 000 small dicts, 141 MiB of a kernel's memory, before a
lab has made its first call (measured with ``/proc/self/statm`` around the import). A lab uses one to three
Regions, and only ``RunInstances`` with a placement, ``DescribeInstanceTypeOfferings`` and
``DescribeSpotPriceHistory`` ever read the table.

:func:`load_lazily` imports that module with the offering files left unread and puts one
:class:`OfferingsByRegion` per location type in their place: a mapping that reads a Region's file (with moto's own
loader, giving the same records) the first time something asks for that Region. Every answer is the one moto would
give; only the time and the memory change.

**Tags, found by resource id instead of by scanning every tag in the Region.** To write any EC2 resource into an
answer, moto looks up its tags with ``describe_tags(filters={"resource-id": [id]})``, which matches every tag of
every resource against a regular expression: a describe call costs the square of the world. On a 500-VPC world
that scan was 65 % of the 12 s a reachability snapshot took (cProfile). :func:`index_tags` has
``TaggedEC2Resource.get_tags`` read the backend's own ``tags[id]`` — the dict ``describe_tags`` scans — and build
the same records in the same order. An id with a wildcard character (none of AWS's has one) takes moto's own path.

:func:`install` applies both; the sandbox calls it before moto starts (``core.sandbox``). A moto whose modules no
longer look this way is left as it is.
"""
from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

MODULE = "moto.ec2.models.instance_types"
OFFERINGS_DIR = "instance_type_offerings/"
_LOCK = threading.RLock()


class OfferingsByRegion(dict):
    """``{region: [offering, ...]}`` for one location type, each Region's list read on first use."""

    def __init__(self, location_type: str, files: dict[str, str], load: Callable[[str], Any]):
        super().__init__()
        self.location_type = location_type
        self._files = dict(files)  # region -> moto resource path
        self._load = load

    def __missing__(self, region: str) -> list:
        if region not in self._files:
            raise KeyError(region)
        with _LOCK:
            if not dict.__contains__(self, region):
                records = self._load(self._files[region])
                for record in records:  # what moto's import loop adds to each record
                    record["LocationType"] = self.location_type
                dict.__setitem__(self, region, records)
            return dict.__getitem__(self, region)

    def get(self, region: Any, default: Any = None) -> Any:
        try:
            return self[region]
        except KeyError:
            return default

    def __contains__(self, region: object) -> bool:
        return region in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def keys(self):
        return self._files.keys()

    def items(self):
        return [(region, self[region]) for region in self._files]

    def values(self):
        return [self[region] for region in self._files]


def install() -> None:
    """Both changes (idempotent)."""
    load_lazily()
    index_tags()


def index_tags() -> bool:
    """``get_tags`` by dict lookup (idempotent); False when this moto has no such method to change."""
    try:
        from moto.ec2.models.core import TaggedEC2Resource
        from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
    except ImportError:
        return False
    original = TaggedEC2Resource.get_tags
    if getattr(original, "__vpclab_direct__", False):
        return True

    def get_tags(self) -> list[dict[str, str]]:
        resource_id = getattr(self, "id", None)
        tags = getattr(getattr(self, "ec2_backend", None), "tags", None)
        if not resource_id or not isinstance(tags, dict) or any(c in resource_id for c in "*?["):
            return original(self)
        kind = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
        return [{"resource_id": resource_id, "key": key, "value": value, "resource_type": kind}
                for key, value in dict(tags.get(resource_id, {})).items()]

    get_tags.__vpclab_direct__ = True  # type: ignore[attr-defined]
    TaggedEC2Resource.get_tags = get_tags  # type: ignore[method-assign]
    return True


def load_lazily() -> bool:
    """Make moto's offering table lazy (idempotent); False when this moto has no such table to change."""
    with _LOCK:
        import moto.utilities.utils as moto_utils

        original = moto_utils.load_resource
        files: dict[str, dict[str, str]] = {}
        if MODULE not in sys.modules:
            def deferred(resource: str) -> Any:
                if OFFERINGS_DIR not in resource:
                    return original(resource)
                location_type, name = resource.split(OFFERINGS_DIR, 1)[1].split("/", 1)
                files.setdefault(location_type, {})[name.split(".")[0]] = resource
                return []

            moto_utils.load_resource = deferred  # the module binds the name as it imports
            try:
                module = importlib.import_module(MODULE)
            finally:
                moto_utils.load_resource = original
        module = sys.modules[MODULE]
        table = getattr(module, "INSTANCE_TYPE_OFFERINGS", None)
        if not isinstance(table, dict):
            return False
        for location_type, by_region in list(table.items()):
            if isinstance(by_region, OfferingsByRegion):
                continue
            known = files.get(location_type)
            if known is None:  # imported before us, already read: keep what is there
                continue
            table[location_type] = OfferingsByRegion(location_type, known, original)
        return True
