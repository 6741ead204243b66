"""Which network addresses a fetch may connect to, and the aiohttp resolver that enforces it.

A host is resolved the way the connection resolves it (``getaddrinfo``), so every spelling of
an address (``127.1``, ``0x7f000001``, ``2130706433``, ``[::ffff:127.0.0.1]``, ``localhost``)
is judged by the address it really reaches. The resolver hands aiohttp only vetted addresses
and the socket factory checks each address again right before connecting, so a name that
re-resolves elsewhere between the check and the connection (DNS rebinding) is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Collection

from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

from retrieval.web.fetch_errors import FetchFailedError, FetchRefusedError

HostResolver = Callable[[str, int], Awaitable[list[str]]]
"""``async (host, port) -> IP addresses``; the default asks the system's ``getaddrinfo``."""

ALLOW_PRIVATE_HINT = "set NEWSBOT_ALLOW_PRIVATE_URLS=1 to allow private addresses"

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


async def system_resolve(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the event loop's ``getaddrinfo``, as aiohttp would.

    Args:
        host: A host name or an IP address in any spelling ``getaddrinfo`` accepts.
        port: The port, passed through to ``getaddrinfo``.

    Returns:
        The distinct addresses, in the order the system gave them.
    """
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def non_public_kind(address: str) -> str | None:
    """Say why ``address`` is not a public internet address, or return None when it is.

    IPv4 addresses embedded in IPv6 ones (IPv4-mapped, 6to4, NAT64) are judged as IPv4.

    Args:
        address: An IPv4 or IPv6 address; an IPv6 zone (``%eth0``) is ignored.

    Returns:
        A phrase such as ``"a loopback address"``, or None for a public address.
    """
    ip: _IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "a non-public address"),
    )
    return next((kind for failed, kind in checks if failed), None)


class RefusedConnectError(OSError):
    """Raised by ``AddressGuard.open_socket`` for a non-public address.

    It is an ``OSError`` so that aiohttp reports it as a failed connection attempt
    (``ClientConnectorError.os_error``), from which ``fetch`` turns it back into a refusal.
    """


class AddressGuard:
    """Decides which hosts and addresses one ``Fetcher`` may connect to.

    It checks a URL's host before any connection (``vet``), hands aiohttp only vetted
    addresses (``resolver``) and checks the address of every socket right before it connects
    (``open_socket``), so nothing is ever connected to a non-public address unless allowed.
    """

    def __init__(
        self, *, resolve: HostResolver, allow_private: bool, trusted_hosts: Collection[str] = ()
    ) -> None:
        """Create the guard.

        Args:
            resolve: How to resolve host names.
            allow_private: Accept every address (the operator allowed private addresses).
            trusted_hosts: Host names (as written in URLs) that may resolve to private
                addresses even when ``allow_private`` is false, such as an intranet mirror.
        """
        self._resolve = resolve
        self._allow_private = allow_private
        self._trusted_hosts = frozenset(host.lower().rstrip(".") for host in trusted_hosts)
        self._trusted_addresses: set[str] = set()

    async def vet(self, host: str, port: int, *, url: str) -> list[str]:
        """Resolve ``host`` and return its addresses, refusing it if any is not public.

        Args:
            host: The URL's host as written (brackets of an IPv6 literal removed).
            port: The URL's port.
            url: The URL, for error messages.

        Returns:
            The resolved addresses, never empty.

        Raises:
            FetchRefusedError: An address is loopback, private, link-local, multicast,
                reserved or unspecified, and neither allowed nor trusted.
            FetchFailedError: The name does not resolve.
        """
        try:
            addresses = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchFailedError(
                f"could not find the server {host} (DNS lookup failed: {exc}); check the address",
                url=url,
            ) from exc
        if not addresses:
            raise FetchFailedError(f"{host} has no address; check the address", url=url)
        if self._allow_private:
            return addresses
        if host.lower().rstrip(".") in self._trusted_hosts:
            self._trusted_addresses.update(addresses)
            return addresses
        for address in addresses:
            kind = non_public_kind(address)
            if kind is not None:
                raise FetchRefusedError(_refusal(host, address, kind), url=url)
        return addresses

    def resolver(self) -> AbstractResolver:
        """Return an aiohttp resolver that resolves through ``vet``."""
        return _VettingResolver(self)

    def open_socket(self, addr_info: AddrInfoType) -> socket.socket:
        """Create the socket for one connection attempt, after checking its address.

        Used as aiohttp's ``socket_factory``: the last check, on the address really about to
        be connected.

        Raises:
            RefusedConnectError: The address is not public and not allowed.
        """
        family, type_, proto, _, sockaddr = addr_info
        address = str(sockaddr[0])
        if not self._allow_private and address not in self._trusted_addresses:
            kind = non_public_kind(address)
            if kind is not None:
                raise RefusedConnectError(_refusal(address, address, kind))
        return socket.socket(family=family, type=type_, proto=proto)


class _VettingResolver(AbstractResolver):
    """An aiohttp resolver returning only the addresses ``AddressGuard.vet`` accepts.

    A refusal propagates as ``FetchRefusedError`` out of the request, unchanged by aiohttp
    (which wraps only ``OSError``), before any connection is attempted.
    """

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` for aiohttp's connector, refusing non-public addresses."""
        addresses = await self._guard.vet(host, port, url=f"//{host}:{port}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""


def _refusal(host: str, address: str, kind: str) -> str:
    subject = f"{address} is" if host == address else f"{host} resolves to {address},"
    return f"{subject} {kind} ({ALLOW_PRIVATE_HINT})"
