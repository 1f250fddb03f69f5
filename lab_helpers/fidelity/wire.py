"""AWS's wire formats, through moto's own machinery: request parameters in, AWS-shaped answers out.

The fidelity layer runs inside moto's request dispatch (:mod:`.dispatch`), so it sees serialised requests from every
client: boto3 in this process, the AWS CLI, Terraform or any SDK through the loopback server. moto 5 already knows
each protocol (``moto.core.parse`` turns a request into the operation's input parameters, ``moto.core.serialize``
writes an output or an error in the operation's protocol), so this module only joins those to the shims' plain
dictionaries; there is no hand-written parsing here.
"""
from __future__ import annotations

import functools
import json
import warnings
from typing import Any, Optional

from botocore import parsers as botocore_parsers
from moto.core.exceptions import ServiceException
from moto.core.model import OperationModel, ServiceModel
from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import determine_request_protocol
from moto.core.utils import get_service_model

Answer = tuple  # (status, headers, body): what moto's dispatch returns to its caller


class AwsError(ServiceException):
    """An AWS error the layer answers with. Its own class, outside ``moto.*``: moto looks for a service model by an
    exception's module, and the layer's errors belong to the request's service, not to one of moto's."""


@functools.cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (moto's subclass), loaded once: every request needs it."""
    return get_service_model(service)


@functools.cache
def event_service_name(service: str) -> str:
    """The name botocore's events (and so :class:`~lab_helpers.fidelity.base.Shim`) use: ``route53`` -> ``route-53``."""
    try:
        return service_model(service).service_id.hyphenize()
    except Exception:  # moto's internal APIs (moto-api) have no botocore model
        return service


def operation_model(service: str, operation: str) -> Optional[OperationModel]:
    try:
        return service_model(service).operation_model(operation)
    except Exception:  # an operation the service model does not know: the caller answers InvalidAction
        return None


def request_params(response, model: OperationModel) -> dict:
    """The request's parameters, shaped as the operation's input (what a boto3 caller passed).

    When moto parsed them itself (``automated_parameter_parsing``), its own dictionary is returned, so a ``params``
    stage shim that rewrites it changes what moto then reads.
    """
    if getattr(response, "automated_parameter_parsing", False) and isinstance(getattr(response, "params", None),
                                                                              dict):
        return response.params
    request = response.normalized_request
    protocol = determine_request_protocol(model.service_model, request.content_type)
    parser = PROTOCOL_PARSERS[protocol](model)
    return dict(parser.parse({"method": request.method, "values": request.values, "headers": request.headers,
                              "body": request.data, "url_path": request.path, "url_params": response.uri_match}))


def write_back(response, model: OperationModel, params: dict) -> None:
    """Make moto read ``params`` after a shim rewrote them, for services moto does not parse automatically.

    Only JSON bodies need it (the rewrites in this layer add members such as ``tags`` to a JSON request).
    """
    if getattr(response, "automated_parameter_parsing", False):
        return
    if model.service_model.protocol in ("json", "rest-json") and model.input_shape is not None:
        located = {name for name, shape in model.input_shape.members.items() if shape.serialization.get("location")}
        body = {k: v for k, v in params.items() if k not in located}
        response.body = json.dumps(body, default=str)


def output(response, model: OperationModel, body: dict) -> Answer:
    """A served operation's answer, serialised in the operation's protocol and output shape."""
    result = {k: v for k, v in body.items() if k != "ResponseMetadata"}
    return _serialize(response, model, result)


def error(response, model: Optional[OperationModel], code: str, message: str, status: int = 400) -> Answer:
    """AWS's error shape for this protocol (EC2 query XML, REST-XML, REST-JSON, JSON 1.1) with ``code``."""
    with warnings.catch_warnings():  # moto warns of codes its models lack; AWS's EC2 model has none at all
        warnings.simplefilter("ignore")
        answer = _serialize(response, model, AwsError(code, message))
    modelled = model is not None and code in {s.name for s in model.service_model.error_shapes}
    if modelled:
        return answer
    _, headers, body = answer
    return status, headers, body


def _serialize(response, model: Optional[OperationModel], result: Any) -> Answer:
    """Serialise ``result`` (plain data shaped as the output, or an :class:`AwsError`) in the response's protocol.

    Without moto's per-service value transformers: those turn moto's own objects (datetimes) into wire strings,
    and what the layer serialises is already shaped as a client sees it.
    """
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class

    svc = service_model(response.boto3_service_name)
    op = model if model is not None else OperationModel({}, svc)
    protocol = response.determine_response_protocol(svc)
    serializer = get_serializer_class(svc.service_name, protocol)(
        operation_model=op, value_picker=XFormedAttributePicker(response_transformers={}))
    serialized = serializer.serialize(result)
    headers = {**response.response_headers, **serialized["headers"]}
    return serialized["status_code"], headers, serialized["body"]


def parsed_output(response, model: OperationModel, answer: Answer) -> dict:
    """What a botocore client would make of moto's answer: the shims' ``result`` stage reads and edits this.

    Parsed in the protocol moto answered in (a service may speak several: JSON to one client, CBOR to another).
    """
    status, headers, body = answer
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    protocol = response.determine_response_protocol(model.service_model)
    protocol = {"query-json": "json"}.get(protocol, protocol)
    parser = botocore_parsers.create_parser(protocol)
    return parser.parse({"status_code": status, "headers": dict(headers), "body": raw}, model.output_shape)
