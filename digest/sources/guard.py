"""Where a fetch may connect: never to this machine or its networks, unless the config says so.

Feeds post links and redirects anywhere; followed blindly they would make digest read its own
machine's or the office network's pages (`http://127.0.0.1:8080/admin`, a router, a cloud
metadata address) into the edition. Fetches the config did not name go through `GuardedBackend`,
which resolves the name itself, drops every address that is not globally routable, connects to
what is left by address and checks the peer it got: the check is on the address connected to,
so neither a name resolving to 127.0.0.1 nor DNS rebinding gets past it, and a refused address
sees no connection at all.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore

REFUSED = "not fetched"  # the start of the message of a connection the guard refused
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def why_refused(address: str) -> str:
    """Why `address` is not one to connect to ("" when it is a public unicast address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unparsable"
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address inside an IPv6 one reaches that IPv4 address.
        inner: ipaddress.IPv4Address | None = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip.teredo:
            inner = ip.teredo[1]
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and why_refused(str(inner)):
            return why_refused(str(inner))
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return "" if ip.is_global else "non-public"


class GuardedBackend(httpcore.NetworkBackend):
    """A network backend that connects only to public unicast addresses."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        refusal = ""
        failure: httpcore.ConnectError | None = None
        for *_, sockaddr in found:
            address = str(sockaddr[0])
            why = why_refused(address)
            if why:
                refusal = f"{REFUSED}: {host} is at {address}, a {why} address"
                continue
            try:
                stream = self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if not peer or why_refused(str(peer[0])):
                stream.close()
                raise httpcore.ConnectError(f"{REFUSED}: {host} answered from {peer}")
            return stream
        if failure is not None:
            raise failure
        raise httpcore.ConnectError(refusal or f"cannot resolve {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError(f"{REFUSED}: a Unix socket ({path})")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
