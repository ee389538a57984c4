"""Every outbound connection checks the address it actually connected to, so DNS tricks and
redirects to private addresses fail at the socket, not in a string check that can be fooled.

Private, loopback, link-local (cloud metadata lives there), CGNAT, multicast and reserved
addresses are refused unless SSRF_ALLOWLIST names the host or a network containing it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlparse

import requests
from botocore.awsrequest import AWSHTTPConnection, AWSHTTPConnectionPool, AWSHTTPSConnection, AWSHTTPSConnectionPool
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CGNAT = ipaddress.ip_network("100.64.0.0/10")


class BlockedAddress(requests.exceptions.ConnectionError):
    """The URL resolves to an address this platform will not call."""


def _allowlist(entries: Iterable[str]) -> tuple[set[str], list]:
    hosts, networks = set(), []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower())
    return hosts, networks


def is_allowed_address(ip: str, host: str = "", allowlist: Iterable[str] | None = None) -> bool:
    hosts, networks = _allowlist(settings.SSRF_ALLOWLIST if allowlist is None else allowlist)
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if host.lower() in hosts or any(address in net for net in networks):
        return True
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address in CGNAT
    )


def _refuse_before_connecting(host: str, port: int) -> None:
    """Refuse a host whose addresses are all private before any packet is sent to it."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except socket.gaierror:
        return  # let the connection fail with its own, clearer error
    if addresses and not any(is_allowed_address(ip, host) for ip in addresses):
        raise BlockedAddress(f"{host} resolves to {sorted(addresses)[0]}, a private or reserved address")


def _check(sock, host: str) -> None:
    """The address actually connected to decides: DNS may answer differently the second time."""
    ip = sock.getpeername()[0]
    if not is_allowed_address(ip, host):
        sock.close()
        raise BlockedAddress(f"{host} resolves to {ip}, a private or reserved address")


class GuardMixin:
    def _new_conn(self):
        host = getattr(self, "_dns_host", None) or self.host
        _refuse_before_connecting(host, self.port)
        sock = super()._new_conn()
        _check(sock, host)
        return sock


class GuardedHTTPConnection(GuardMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(GuardMixin, HTTPSConnection):
    pass


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class GuardedAWSHTTPConnection(GuardMixin, AWSHTTPConnection):
    pass


class GuardedAWSHTTPSConnection(GuardMixin, AWSHTTPSConnection):
    pass


class GuardedAWSHTTPPool(AWSHTTPConnectionPool):
    ConnectionCls = GuardedAWSHTTPConnection


class GuardedAWSHTTPSPool(AWSHTTPSConnectionPool):
    ConnectionCls = GuardedAWSHTTPSConnection


def guard_boto_client(client):
    """The boto3 client, its every connection checked like a guarded_session's: for endpoints
    named in requests, whose DNS may answer differently once the check before the call is done.
    botocore has no public hook for its connection classes; its HTTP session keeps them in one
    mapping, given to each pool manager it makes (a test proves this still holds)."""
    http = client._endpoint.http_session
    pools = {"http": GuardedAWSHTTPPool, "https": GuardedAWSHTTPSPool}
    http._pool_classes_by_scheme = pools
    http._manager.pool_classes_by_scheme = pools
    return client


def guarded_session(max_redirects: int = 5) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: they would connect for us
    session.max_redirects = max_redirects
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def blocked_reason(exc: BaseException) -> str | None:
    """The BlockedAddress behind a requests/urllib3 error, however deeply they wrapped it."""
    seen: set[int] = set()
    stack: list = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, BlockedAddress):
            return str(item)
        stack += [*item.args, item.__cause__, item.__context__, getattr(item, "reason", None)]
    return None


def url_host_problem(url: str) -> str | None:
    """Why a URL's host may not be called (private or reserved, or unresolvable); None when it may.

    The check before a request is made; connections through guarded_session check again at the
    socket, so a DNS answer that changes in between still cannot reach a private address."""
    try:
        parsed = urlparse(url)
    except ValueError:
        return "host (none) does not resolve"
    host = parsed.hostname or ""
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError):
        return f"host {host or '(none)'} does not resolve"
    if addresses and not any(is_allowed_address(ip, host) for ip in addresses):
        return f"host {host} is a private or reserved address"
    return None
