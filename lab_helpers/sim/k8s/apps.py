"""What a pod's container answers, by its image.

**The seminar's demo application** (``rlawnsdud/demo``): a small HTTP server configured only by the environment
the course notes give it. ``HOST`` and ``PORT`` are where it listens (``0.0.0.0:3000`` there; a loopback ``HOST``
answers nobody outside the pod); ``GLOBAL_PREFIX`` is the path every route of it sits under (``/v1`` for
demo-app-a, ``/v2`` for demo-app-b); ``ROUTE`` and ``POD`` (the pod's name, Downward API) are values it reports.
It listens on ``PORT`` whatever ``containerPort`` says (a containerPort is informational in Kubernetes). It answers

* ``GET <PREFIX>/health`` -> ``200 ok``  (what the TargetGroupPolicy health check asks)
* ``GET <PREFIX>/env?select=POD,ROUTE`` -> ``200`` and a JSON object with those variables
* ``GET <PREFIX>`` -> ``200`` and a greeting naming the pod
* anything else -> ``404 Cannot GET <path>`` (the *application's* 404, not Lattice's)

The notes document only the `/env?select=` endpoint and, through their probes and health checks, `<prefix>/health`;
the greeting and the Express-style 404 are this model's choice.

**Any other image** (the controller's own examples run small HTTP servers that declare no ``containerPort``) is
modelled as a generic HTTP echo: ``200`` for every method and path, a JSON body naming the pod, the method, the
path and the ``host`` header. It listens on its declared ports, or — declaring none — on the port a Service's
``targetPort`` sends it (that is the port the image really listens on, or the Service would not work).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

SEMINAR_IMAGES = ("rlawnsdud/demo",)
DEFAULT_PORT = 3000  # the notes set PORT=3000; the image's own default is not documented, so we assume the same
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")


def is_seminar_image(image: str) -> bool:
    return any(image.split("@")[0].split(":")[0].endswith(name) for name in SEMINAR_IMAGES)


def listen_port(env: dict) -> int:
    return int(env.get("PORT") or DEFAULT_PORT)


def reachable_from_outside(env: dict, pod_ip: str) -> bool:
    """Does a server bound to ``HOST`` accept connections to the pod's IP (Lattice's, the kubelet's)?"""
    return env.get("HOST", "") in WILDCARD_HOSTS or env.get("HOST") == pod_ip


def app_for(image: str, pod_name: str, env: dict) -> Callable:
    """The handler a container of ``image`` runs: the seminar's app, or the generic echo."""
    return demo_app(pod_name, env) if is_seminar_image(image) else echo_app(pod_name)


def echo_app(pod_name: str) -> Callable:
    def handle(method: str, path: str, headers: dict) -> tuple[int, str, dict]:
        body = {"pod": pod_name, "method": method, "path": path, "host": headers.get("host", "")}
        return 200, json.dumps(body), {"content-type": "application/json"}

    return handle


def demo_app(pod_name: str, env: dict) -> Callable:
    prefix = (env.get("GLOBAL_PREFIX") or "").rstrip("/")

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
