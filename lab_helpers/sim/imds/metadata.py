"""An Instance Metadata Service for one instance, on 127.0.0.1: ``with lab.imds(instance_id) as base: ...``.

On EC2 an instance reads its own metadata at ``http://169.254.169.254`` (rule 64). moto serves one static document
for every instance and enforces nothing (moto-fidelity §5), so this module serves the real thing for the lab:
built from ``DescribeInstances`` on **every request**, so ``modify_instance_metadata_options`` takes effect at once.
Nothing listens beyond loopback; ``base`` (e.g. ``http://127.0.0.1:49152``) stands in for 169.254.169.254.

What it enforces (rules 65-68):

* IMDSv2: ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds`` 1-21600 (else 400) returns a
  token; GETs send it in ``X-aws-ec2-metadata-token``. A PUT carrying ``X-Forwarded-For`` is refused (403): that is
  how IMDS stops a reverse proxy on the instance from fetching tokens for outsiders. A wrong or expired token is 401.
  Tokens are valid only on the instance (server) that issued them.
* ``HttpTokens=required``: a GET without a token is 401 (IMDSv1 off). ``optional``: v1 GETs work.
* ``HttpEndpoint=disabled``: every request is 403.
* Hop limit (``HttpPutResponseHopLimit``): on EC2 the token *response* leaves with IP TTL = hop limit, so a
  container behind a bridge (one extra hop) never receives it when the limit is 1. Here a request says how far it
  comes from with the header ``X-Vpclab-Hops`` (1 = the instance itself, the default; 2 = a container on a Docker
  bridge). When hops exceed the limit the server closes the connection without answering — the client sees the
  token call fail, as the container's would time out. GETs are not hop-limited, as on EC2.
* ``tags/instance/`` exists only when ``InstanceMetadataTags=enabled``.
* ``iam/security-credentials/<role>`` serves **fake** credentials, clearly labelled, when the instance has an
  instance profile (or ``role=`` is given to :func:`serve`).

``clock`` (a zero-argument function returning seconds) is injectable so tests can expire tokens without sleeping.
"""
from __future__ import annotations

import contextlib
import ipaddress
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from lab_helpers.errors import LabError

TOKEN_PATH = "/latest/api/token"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
HOPS_HEADER = "X-Vpclab-Hops"
TTL_MIN, TTL_MAX = 1, 21600
FAKE_LABEL = "VPCLAB-FAKE"


# -- the metadata tree ---------------------------------------------------------------------------------------------
def _instance(lab, instance_id: str) -> dict:
    try:
        res = lab.raw_client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        raise LabError(f"No instance {instance_id!r} to serve metadata for ({code}). Pass an InstanceId from "
                       "run_instances.") from None
    return res[0]["Instances"][0]


def options(instance: dict) -> dict:
    """The instance's MetadataOptions with AWS's defaults filled in."""
    opts = {"HttpTokens": "optional", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled",
            "InstanceMetadataTags": "disabled"}
    opts.update({k: v for k, v in (instance.get("MetadataOptions") or {}).items() if v is not None})
    return opts


def fake_credentials(role: str, now: datetime) -> dict:
    """What ``iam/security-credentials/<role>`` returns — fake, and saying so in every field."""
    return {"Code": "Success", "LastUpdated": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Type": "AWS-HMAC",
            # Deliberately not ASIA…: a published notebook must never show anything a leak scanner takes for a key.
            "AccessKeyId": f"{FAKE_LABEL}-ACCESS-KEY-ID",
            "SecretAccessKey": f"{FAKE_LABEL}-secret-for-{role}-not-a-real-key",
            "Token": f"{FAKE_LABEL}-session-token-for-{role}",
            "Expiration": (now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _role_of(lab, instance: dict, role: Optional[str]) -> Optional[str]:
    profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
    if not profile:
        return role
    name = profile.split("/")[-1]
    try:
        roles = lab.raw_client("iam").get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
        return roles[0]["RoleName"] if roles else role
    except Exception:  # profile unreadable: show the profile's name, as the role is what IMDS lists
        return role or name


def tree(lab, instance: dict, role: Optional[str] = None, now: Optional[datetime] = None) -> dict:
    """The ``/latest/meta-data/`` hierarchy as nested dicts (leaves are strings)."""
    now = now or datetime.now(UTC)
    region = instance["Placement"]["AvailabilityZone"][:-1]
    eni_list = sorted(instance.get("NetworkInterfaces", []), key=lambda e: e.get("Attachment", {}).get(
        "DeviceIndex", 0))
    mac = eni_list[0]["MacAddress"] if eni_list else "02:00:00:00:00:00"
    private_ip = instance.get("PrivateIpAddress", "")
    local_name = f"ip-{private_ip.replace('.', '-')}.ec2.internal" if region == "us-east-1" else \
        f"ip-{private_ip.replace('.', '-')}.{region}.compute.internal"
    data = {
        "ami-id": instance.get("ImageId", ""),
        "ami-launch-index": str(instance.get("AmiLaunchIndex", 0)),
        "hostname": local_name,
        "instance-id": instance["InstanceId"],
        "instance-type": instance.get("InstanceType", ""),
        "local-hostname": local_name,
        "local-ipv4": private_ip,
        "mac": mac,
        "placement": {"availability-zone": instance["Placement"]["AvailabilityZone"], "region": region},
        "security-groups": "\n".join(g["GroupName"] for g in instance.get("SecurityGroups", [])),
        "services": {"domain": "amazonaws.com", "partition": "aws"},
        "network": {"interfaces": {"macs": {e["MacAddress"]: _eni_tree(lab, e) for e in eni_list}}},
    }
    if instance.get("PublicIpAddress"):
        data["public-ipv4"] = instance["PublicIpAddress"]
        if instance.get("PublicDnsName"):
            data["public-hostname"] = instance["PublicDnsName"]
    if instance["Placement"].get("GroupName"):
        data["placement"]["group-name"] = instance["Placement"]["GroupName"]
    if instance["Placement"].get("PartitionNumber"):
        data["placement"]["partition-number"] = str(instance["Placement"]["PartitionNumber"])
    role_name = _role_of(lab, instance, role)
    if role_name:
        profile = (instance.get("IamInstanceProfile") or {}).get("Arn", f"arn:aws:iam::123456789012:"
                                                                          f"instance-profile/{role_name}")
        data["iam"] = {"info": json.dumps({"Code": "Success", "InstanceProfileArn": profile}, indent=2),
                       "security-credentials": {role_name: json.dumps(fake_credentials(role_name, now), indent=2)}}
    if options(instance)["InstanceMetadataTags"] == "enabled":
        data["tags"] = {"instance": {t["Key"]: t["Value"] for t in instance.get("Tags", [])}}
    return data


def _eni_tree(lab, eni: dict) -> dict:
    out = {"device-number": str(eni.get("Attachment", {}).get("DeviceIndex", 0)),
           "interface-id": eni["NetworkInterfaceId"], "mac": eni["MacAddress"],
           "local-ipv4s": "\n".join(p["PrivateIpAddress"] for p in eni.get("PrivateIpAddresses", [])),
           "owner-id": eni.get("OwnerId", ""), "subnet-id": eni.get("SubnetId", ""), "vpc-id": eni.get("VpcId", ""),
           "security-group-ids": "\n".join(g["GroupId"] for g in eni.get("Groups", []))}
    if eni.get("Association", {}).get("PublicIp"):
        out["public-ipv4s"] = eni["Association"]["PublicIp"]
    ec2 = lab.raw_client("ec2")
    try:
        subnet = ec2.describe_subnets(SubnetIds=[eni["SubnetId"]])["Subnets"][0]
        vpc = ec2.describe_vpcs(VpcIds=[eni["VpcId"]])["Vpcs"][0]
        out["subnet-ipv4-cidr-block"] = subnet["CidrBlock"]
        out["vpc-ipv4-cidr-block"] = vpc["CidrBlock"]
        out["vpc-ipv4-cidr-blocks"] = "\n".join(a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])) \
            or vpc["CidrBlock"]
    except Exception:  # default-VPC oddities in moto: leave the CIDR keys out rather than guess
        pass
    return out


def lookup(data: dict, path: str):
    """Walk ``path`` (below /latest/meta-data/) in the tree: a dict is a directory, a string a value."""
    node = data
    for part in [p for p in path.split("/") if p]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def listing(node: dict) -> str:
    return "\n".join(f"{k}/" if isinstance(v, dict) else k for k, v in node.items())


# -- the server ----------------------------------------------------------------------------------------------------
@dataclass
class _Service:
    lab: object
    instance_id: str
    clock: Callable[[], float]
    role: Optional[str]
    tokens: dict = field(default_factory=dict)  # token -> expiry (clock seconds)
    log: list = field(default_factory=list)  # (method, path, status) — the lab shows it

    def options(self) -> tuple[dict, dict]:
        instance = _instance(self.lab, self.instance_id)
        return instance, options(instance)

    def token_ok(self, token: str) -> bool:
        expiry = self.tokens.get(token)
        return expiry is not None and self.clock() < expiry


def _handler(service: _Service):
    class Handler(BaseHTTPRequestHandler):
        server_version = "EC2ws"
        sys_version = ""

        def log_message(self, *args):  # keep notebooks quiet; the service keeps its own log
            pass

        def _send(self, status: int, body: str = "", headers: Optional[dict] = None):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            service.log.append((self.command, self.path, status))

        def do_PUT(self):
            instance, opts = service.options()
            if opts["HttpEndpoint"] == "disabled":
                return self._send(403, "Forbidden: the instance metadata service is turned off (HttpEndpoint)")
            if self.path.split("?")[0] != TOKEN_PATH:
                return self._send(405, "Method Not Allowed")
            if self.headers.get("X-Forwarded-For"):
                return self._send(403, "Forbidden: token requests through a proxy (X-Forwarded-For) are refused")
            ttl = self.headers.get(TTL_HEADER, "")
            if not ttl.isdigit() or not TTL_MIN <= int(ttl) <= TTL_MAX:
                return self._send(400, f"Bad Request: {TTL_HEADER} must be {TTL_MIN}-{TTL_MAX}")
            hops = int(self.headers.get(HOPS_HEADER, "1") or 1)
            if hops > int(opts["HttpPutResponseHopLimit"]):
                # The reply's IP TTL runs out before it reaches the caller: it never arrives.
                service.log.append((self.command, self.path, "dropped: hop limit"))
                self.close_connection = True
                return None
            token = secrets.token_urlsafe(32)
            service.tokens[token] = service.clock() + int(ttl)
            return self._send(200, token, {TTL_HEADER: ttl})

        def do_GET(self):
            instance, opts = service.options()
            if opts["HttpEndpoint"] == "disabled":
                return self._send(403, "Forbidden: the instance metadata service is turned off (HttpEndpoint)")
            token = self.headers.get(TOKEN_HEADER)
            if token is not None and not service.token_ok(token):
                return self._send(401, "Unauthorized: the token is wrong or expired; PUT for a new one")
            if token is None and opts["HttpTokens"] == "required":
                return self._send(401, "Unauthorized: IMDSv2 is required (HttpTokens=required); send a token")
            path = urllib.parse.urlsplit(self.path).path
            body = self._resolve(path, instance)
            if body is None:
                return self._send(404, "Not Found")
            return self._send(200, body)

        def _resolve(self, path: str, instance: dict):
            if path in ("/", "/latest", "/latest/"):
                return "dynamic\nmeta-data\nuser-data" if path != "/" else "latest"
            if path == "/latest/dynamic/instance-identity/document":
                return json.dumps({"accountId": instance.get("OwnerId", ""), "architecture": "x86_64",
                                   "availabilityZone": instance["Placement"]["AvailabilityZone"],
                                   "imageId": instance.get("ImageId"), "instanceId": instance["InstanceId"],
                                   "instanceType": instance.get("InstanceType"),
                                   "privateIp": instance.get("PrivateIpAddress"),
                                   "region": instance["Placement"]["AvailabilityZone"][:-1]}, indent=2)
            prefix = "/latest/meta-data"
            if not path.startswith(prefix):
                return None
            node = lookup(tree(service.lab, instance, service.role), path[len(prefix):])
            if node is None:
                return None
            return listing(node) if isinstance(node, dict) else node

        def do_POST(self):
            self._send(405, "Method Not Allowed")

        do_DELETE = do_PATCH = do_POST

    return Handler


@contextlib.contextmanager
def serve(lab, instance_id: str, *, clock: Callable[[], float] = time.monotonic, role: Optional[str] = None):
    """Serve ``instance_id``'s metadata on 127.0.0.1 (a free port) and yield the base URL.

    ``role``: the IAM role name to show under ``iam/security-credentials/`` when the instance has no instance
    profile (the sandbox lab needs no IAM). ``clock``: seconds, for token expiry (tests inject a fake one).
    """
    _instance(lab, instance_id)  # fail early, with a clear message, on a bad id
    service = _Service(lab, instance_id, clock, role)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"imds-{instance_id}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    lab.shim_state.setdefault("imds", {})[base] = service
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        lab.shim_state.get("imds", {}).pop(base, None)


# -- a curl for notebooks ----------------------------------------------------------------------------------------
@dataclass
class Response:
    """What ``curl -i`` would show; ``status`` is 0 when no reply arrived (connection dropped)."""

    method: str
    url: str
    status: int
    body: str
    headers: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def __str__(self) -> str:
        if not self.status:
            return f"{self.method} {self.url}\n  ✗ no response: {self.error}"
        body = self.body if len(self.body) < 600 else self.body[:600] + "…"
        return f"{self.method} {self.url}\n  HTTP {self.status}\n" + "\n".join(f"  {line}" for line in
                                                                             body.splitlines())


def _loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        if host == "localhost":
            return
    raise LabError(f"{url} is not on 127.0.0.0/8: the lab's HTTP helpers never leave this machine. Use the base "
                   "URL that lab.imds(...) gave you in place of http://169.254.169.254.")


def curl(url: str, method: str = "GET", headers: Optional[dict] = None, timeout: float = 5.0) -> Response:
    """A tiny ``curl -i`` for loopback URLs that never raises: HTTP errors come back as a status."""
    _loopback_only(url)
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(method, url, resp.status, resp.read().decode(), dict(resp.headers))
    except urllib.error.HTTPError as exc:
        return Response(method, url, exc.code, exc.read().decode(), dict(exc.headers))
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Response(method, url, 0, "", error=f"{type(reason).__name__}: {reason}")


def get_token(base: str, ttl: int = 21600, hops: int = 1, extra: Optional[dict] = None) -> Response:
    """Step 1 of IMDSv2: ``PUT /latest/api/token``. ``hops=2`` plays a container on a bridge network."""
    headers = {TTL_HEADER: str(ttl), HOPS_HEADER: str(hops), **(extra or {})}
    return curl(base + TOKEN_PATH, "PUT", headers)


# -- a deliberately vulnerable web app (SSRF) -----------------------------------------------------------------------
@contextlib.contextmanager
def vulnerable_fetcher():
    """A loopback web app with ``/fetch?url=...`` that GETs any (loopback) URL and returns the body.

    It stands for the classic "URL preview" or "image proxy" feature with no allow-list: an attacker asks it for
    ``http://169.254.169.254/latest/meta-data/iam/security-credentials/<role>`` and reads the instance's keys.
    It only does what such apps do: a plain GET, no custom headers, no PUT — which is exactly why IMDSv2 stops it.
    It refuses non-loopback URLs so the lab never reaches outside this machine.
    """

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            target = (query.get("url") or [""])[0]
            try:
                _loopback_only(target)
                with urllib.request.urlopen(target, timeout=5) as resp:
                    status, body = 200, resp.read()
            except urllib.error.HTTPError as exc:
                status, body = 502, f"upstream said {exc.code}: {exc.read().decode()}".encode()
            except Exception as exc:  # the app reports, as a careless app would
                status, body = 502, f"fetch failed: {exc}".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="ssrf-app", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
