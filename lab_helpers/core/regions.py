"""Which AWS Regions exist: botocore's own partition data, so a typo (``us-east1``) or ``mars-1`` fails at once.

The sandbox would happily start in any string (moto makes a backend for whatever it is given) and a live lab
would only fail at its first call, with an endpoint error that names neither the Region nor the fix. Both modes
ask :func:`require_known` first. The list comes from the botocore installed with boto3 (every partition:
``aws``, ``aws-cn``, ``aws-us-gov``, …), so a Region AWS opens later is known as soon as botocore is upgraded.
"""
from __future__ import annotations

import difflib
import os
from functools import lru_cache

from lab_helpers.errors import UnknownRegionError


@lru_cache(maxsize=1)
def known() -> frozenset[str]:
    """Every Region botocore knows for EC2, in every partition (global pseudo-regions excluded)."""
    import botocore.session

    from lab_helpers.core import service_catalog

    # No profile and no config file: the list is botocore's own data, and a profile named in the environment
    # that does not exist (or a hostile config file) must not stop a sandbox from opening.
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None),
                                                     "config_file": (None, None, os.devnull, None),
                                                     "credentials_file": (None, None, os.devnull, None)})
    service_catalog.share_loader(session)
    names = {r for p in session.get_available_partitions() for r in session.get_available_regions("ec2", p)}
    loader = service_catalog.shared_loader(session.get_config_variable("data_path"))
    for data_name in ("endpoints", "partitions"):
        try:
            data = loader.load_data(data_name)
        except Exception:  # an older botocore has no partitions.json: the endpoint data is enough
            continue
        names |= {r for p in data.get("partitions", []) for r in p.get("regions", {}) if not r.endswith("-global")}
    return frozenset(names)


def require_known(region: str, asked_by: str) -> str:
    """``region`` if AWS has it; otherwise an :class:`UnknownRegionError` naming the closest ones and the list.

    ``asked_by`` says who wanted it, for the message: "a sandbox lab", "a live lab", "vpclab cleanup".
    """
    if isinstance(region, str) and region in known():
        return region
    commercial = sorted(r for r in known() if r.count("-") == 2 and not r.startswith(("cn-", "us-gov-", "us-iso",
                                                                                        "eu-isoe", "us-isof")))
    close = difflib.get_close_matches(str(region), sorted(known()), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownRegionError(
        f"{region!r} is not an AWS Region, so {asked_by} cannot use it.{hint} Pass one of: "
        f"{', '.join(commercial)} (or a China / GovCloud Region), e.g. start_lab(..., region='us-east-1'), "
        "or fix VPCLAB_REGION / AWS_REGION / --region.")
