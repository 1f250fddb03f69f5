"""The seminar's demo application, as the pods run it (a small Node/Express-style HTTP server on port 3000).

Each container is configured by its environment: ``PREFIX`` (``/v1`` for demo-app-a, ``/v2`` for demo-app-b)
and any other variables (``ROUTE``, ``VERSION``…); ``POD`` is the pod's name (Downward API). It answers

* ``GET <PREFIX>/health`` -> ``200 ok``  (what the TargetGroupPolicy health check asks)
* ``GET <PREFIX>/env?select=POD,ROUTE`` -> ``200`` and a JSON object with those variables
* ``GET <PREFIX>`` -> ``200`` and a greeting naming the pod
* anything else -> ``404 Cannot GET <path>`` (the *application's* 404, not Lattice's)
"""
from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit


def demo_app(pod_name: str, env: dict) -> Callable:
    prefix = (env.get("PREFIX") or "").rstrip("/")

    def handle(method: str, path: str, headers: dict) -> tuple[int, str, dict]:
        parts = urlsplit(path)
        route = parts.path
        if method not in ("GET", "HEAD"):
            return 404, f"Cannot {method} {route}", {}
        if route == f"{prefix}/health":
            return 200, "ok", {}
        if route == f"{prefix}/env":
            wanted = [k for v in parse_qs(parts.query).get("select", []) for k in v.split(",") if k]
            return 200, json.dumps({k: env.get(k) for k in wanted}), {"content-type": "application/json"}
        if route in (prefix, prefix + "/") and prefix:
            return 200, json.dumps({"message": f"hello from {pod_name}", "prefix": prefix}), \
                {"content-type": "application/json"}
        return 404, f"Cannot {method} {route}", {}

    return handle
