"""Where the fidelity layer runs: inside moto's request dispatch, so every client meets the same AWS.

moto answers every request, whichever door it came through (boto3 in this process through moto's botocore stub,
the AWS CLI, Terraform or any SDK through the loopback server), with ``BaseResponse._dispatch``. This module wraps
that one method: while a :class:`Layer` is active, each request is parsed into the operation's parameters, checked
by the shims for its (service, operation), then answered by a served operation or by moto, in AWS's shape
(:mod:`.wire`). A request's Region is the one it was signed for.

Requests from the layer's own raw clients (and the simulators' ``lab.raw_client``) carry :data:`RAW_HEADER` and
go straight to moto: a shim reading state must not meet its own rules again.

moto's backends are per process, so the active layer is too: one module-level slot, set by :func:`activate` when a
sandbox opens and cleared by :func:`deactivate` (:mod:`lab_helpers.core.kernel` keeps one sandbox per kernel).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from lab_helpers.core.requests import PARAMS_KEY, RAW_HEADER, READ_OPERATIONS
from lab_helpers.fidelity import wire
from lab_helpers.fidelity.base import Shim, ShimContext

LOG = logging.getLogger("vpclab.fidelity")

# Services whose every operation the layer answers (served, or refused with an error naming the operation):
# moto's own answers would show a different world (its own Lattice services, not the lab's).
OWNED_SERVICES = frozenset({"vpc-lattice"})


@dataclass
class Layer:
    """The shims of one sandbox (or one ``vpclab serve``), with what it does around every create."""

    # The shims, or a function giving one service's shims, called on that service's first request (so a lab that
    # never calls VPC Lattice never imports the Lattice stack).
    shims: Union[Iterable[Shim], Callable[[str], Iterable[Shim]]]
    ctx: ShimContext
    tags: dict = field(default_factory=dict)  # added to every create that takes tags (vpclab:run, vpclab:lab)
    record: Optional[Callable[..., Any]] = None  # record(service, operation, region, parsed, params): the ledger
    on_write: Optional[Callable[[], None]] = None  # any non-read request: the world may have changed
    observe: Optional[Callable[[str, str, str, int], None]] = None  # (service, operation, region, status): serve -v
    _by_key: dict = field(default_factory=dict, init=False)
    _loaded: set = field(default_factory=set, init=False)  # services whose shims are indexed
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        if not callable(self.shims):
            self._index(self.shims)

    def _index(self, shims: Iterable[Shim]) -> None:
        for shim in shims:
            self._by_key.setdefault((shim.service, shim.operation), []).append(shim)

    def shims_of(self, service: str, operation: str) -> list[Shim]:
        """The shims for one operation, in their order (a service's are loaded on its first request)."""
        if callable(self.shims) and service not in self._loaded:
            with self._lock:  # the kernel and the loopback server's thread can both be first
                if service not in self._loaded:
                    self._index(self.shims(service))
                    self._loaded.add(service)
        return self._by_key.get((service, operation), [])

    def serve(self, response) -> wire.Answer:
        """Answer one request moto received: the whole life of a request through the layer."""
        operation = _operation_name(response)
        model = wire.operation_model(response.boto3_service_name, operation) if operation else None
        service = wire.event_service_name(response.boto3_service_name)  # as the shims name it: "route-53"
        if model is None:
            answer = _unknown_operation(response, service, operation)
        else:
            answer = _never_raw(response, model, lambda: self._serve_operation(response, service, model))
        if self.observe is not None:
            self.observe(service, operation or "?", response.region, answer[0])
        return answer

    def _serve_operation(self, response, service: str, model) -> wire.Answer:
        shims = self.shims_of(service, model.name)
        tags_here = bool(self.tags) and _takes_tags(model)
        if not (shims or tags_here or service in OWNED_SERVICES or (self.record is not None and _creates(model))):
            return _call_moto(response, model)
        params = wire.request_params(response, model)
        context = {"client_region": response.region, PARAMS_KEY: params, "door": "moto-dispatch"}
        for shim in _stage(shims, "params"):
            shim.handler(params, self.ctx, context=context)
        if tags_here:
            from lab_helpers.core.tagging import inject_tags

            inject_tags(params, model, model.service_model.service_name, self.tags)
        wire.write_back(response, model, params)
        answer = self._answer(response, service, model, shims, params, context)
        if answer[0] < 300:
            answer = self._after(response, service, model, shims, params, context, answer)
        if self.on_write is not None and not model.name.startswith(READ_OPERATIONS):
            self.on_write()
        return answer

    def _answer(self, response, service, model, shims, params, context) -> wire.Answer:
        for shim in _stage(shims, "call"):
            verdict = shim.handler(params, self.ctx, context=context)
            if verdict is not None:
                _, body = verdict
                if "Error" in body:
                    err = body["Error"]
                    return wire.error(response, model, err["Code"], err["Message"], verdict[0].status_code)
                return wire.output(response, model, body)
        if service in OWNED_SERVICES:
            return wire.error(response, model, "InvalidAction",
                              f"{model.name} is not served by the vpc-labs sandbox's {service} (it serves "
                              f"{len([k for k in self._by_key if k[0] == service])} operations of it); "
                              f"use it in live mode, or ask for it in the project's issues.")
        return _call_moto(response, model)

    def _after(self, response, service, model, shims, params, context, answer) -> wire.Answer:
        results = _stage(shims, "result")
        if not results and self.record is None:
            return answer
        parsed = wire.parsed_output(response, model, answer)
        for shim in results:
            shim.handler(parsed, self.ctx, params=params, context=context)
        if results:
            answer = wire.output(response, model, parsed)
        if self.record is not None and _creates(model):
            self.record(model.service_model.service_name, model.name, response.region, parsed, params)
        return answer


_local = threading.local()
_active: Optional[Layer] = None
_patched = False


def activate(layer: Layer) -> None:
    """Make ``layer`` answer every request moto receives in this process (installs the hook on first use)."""
    global _active
    _install_hook()
    _active = layer


def deactivate(layer: Layer) -> None:
    global _active
    if _active is layer:
        _active = None


def active() -> Optional[Layer]:
    return _active


def _install_hook() -> None:
    global _patched
    if _patched:
        return
    from moto.core.responses import BaseResponse

    plain = BaseResponse._dispatch

    def _dispatch(self, request, full_url=None, headers=None):
        layer = _active
        if layer is None or request.headers.get(RAW_HEADER) or getattr(_local, "inside", False):
            return plain(self, request, full_url, headers)
        self.setup_class(request, full_url, headers)
        _local.inside = True  # a shim's own reads go to moto as they are
        try:
            return layer.serve(self)
        finally:
            _local.inside = False

    BaseResponse._dispatch = _dispatch  # type: ignore[method-assign]
    _extend_routes()
    _patched = True


def _extend_routes() -> None:
    """Route every VPC Lattice path to moto's Lattice responder, so served operations moto has no URL for arrive."""
    import moto.vpclattice.urls as lattice_urls

    lattice_urls.url_paths.setdefault("{0}/.*$", lattice_urls.VPCLatticeResponse.dispatch)


def _operation_name(response) -> Optional[str]:
    try:
        return response._get_action() or None
    except Exception:  # a path no operation of the service matches
        return None


def _stage(shims: list[Shim], stage: str) -> list[Shim]:
    return [s for s in shims if s.stage == stage]


def _takes_tags(model) -> bool:
    """A write whose input carries tags: the run's tags go in at creation (see core.tagging for why)."""
    if model.name.startswith(READ_OPERATIONS) or model.input_shape is None:
        return False
    return bool({"TagSpecifications", "Tags", "tags"} & set(model.input_shape.members))


def _creates(model) -> bool:
    """Operations that make a resource the ledger knows (and so teardown deletes)."""
    from lab_helpers.core.resources import BY_OPERATION

    return (model.service_model.service_name, model.name) in BY_OPERATION


def _never_raw(response, model, serve: Callable[[], wire.Answer]) -> wire.Answer:
    """The one place a failure becomes an answer: moto's own AWS-shaped errors go on as they are; a shim's refused
    read (e.g. InvalidVpcID.NotFound) is passed on as AWS would have answered; anything else, in a shim or in moto,
    is InternalFailure, with the traceback in the log and not in the learner's kernel."""
    from botocore.exceptions import ClientError
    from werkzeug.exceptions import HTTPException

    try:
        return serve()
    except HTTPException:
        raise
    except ClientError as exc:
        err = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        return wire.error(response, model, err.get("Code", "InternalFailure"), err.get("Message", str(exc)), status)
    except Exception as exc:
        LOG.exception("the sandbox failed on %s", model.name)
        return wire.error(response, model, "InternalFailure",
                          f"The sandbox failed on {model.name} ({type(exc).__name__}: {exc}). This is a vpc-labs "
                          f"bug: please report it with the request.", 500)


def _call_moto(response, model) -> wire.Answer:
    """moto's own answer; an operation moto lacks is AWS's InvalidAction, naming it (crashes: :func:`_never_raw`)."""
    try:
        return response.call_action()
    except NotImplementedError:
        return wire.error(response, model, "InvalidAction",
                          f"{model.name} is not available in the vpc-labs sandbox: moto does not implement it and "
                          f"the fidelity layer does not serve it. Live mode has it.")


def _unknown_operation(response, service: str, operation: Optional[str]) -> wire.Answer:
    return wire.error(response, None, "InvalidAction",
                      f"The action {operation or '(none)'} is not valid for {service}.")
