"""How long a Lattice request takes in the model: one ``lab.http`` call versus a request inside ``http_many``.

``http`` reads the configuration (Route 53, Lattice, EC2) on every call, as a first request would; ``http_many``
reads it once and routes many requests, which is what the canary in lab 08 needs. Prints the ratio; no assertion.

    PYTHONPATH=$PWD python benchmarks/lattice_http.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lattice"))

from lattice_world import build_world  # noqa: E402

import lab_helpers  # noqa: E402
from lab_helpers.sim import k8s  # noqa: E402


def main(single: int = 20, many: int = 1000) -> None:
    lab = lab_helpers.start_lab("01_vpc_basics", region="ap-northeast-2", quiet=True)
    try:
        start = time.perf_counter()
        world = build_world(lab)
        print(f"seminar world built in {time.perf_counter() - start:.2f} s")
        url = f"http://{world.domain}/v1/env?select=POD"
        start = time.perf_counter()
        for _ in range(single):
            lab.http(world.client_vpc, url)
        one = (time.perf_counter() - start) / single
        start = time.perf_counter()
        k8s.http_many(lab, world.client_vpc, url, many, seed_value=1)
        batched = (time.perf_counter() - start) / many
        print(f"lab.http: {one * 1000:.1f} ms per request; http_many: {batched * 1000:.2f} ms per request; "
              f"ratio {one / batched:.0f}x")
    finally:
        lab.close()


if __name__ == "__main__":
    main()
