"""Which webhook targets may be called: a URL must not let a subscriber reach our own network.

One parser (httpx's, the one that sends) reads a target both when a subscriber is added and at delivery,
and one rule decides which addresses are callable: only globally routable ones (`ipaddress`'s
`is_global`), minus the deprecated or tunnelling ranges it still counts as global, unless `[webhooks]
allow_hosts` names the host. A literal address is checked in every spelling the resolver accepts
(`2130706433`, `0x7f.1`, `0177.0.0.1`); names are checked after DNS resolution, and the connection then
goes to the address that was checked, so a second lookup cannot swap in a private address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Collection

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NOT_CALLABLE = tuple(
    ipaddress.ip_network(net)
    for net in (
        "2002::/16",  # 6to4: reaches whatever IPv4 address it embeds
        "2001::/32",  # Teredo: likewise
        "64:ff9b::/96",  # NAT64: likewise
        "64:ff9b:1::/48",  # local-use NAT64
        "fec0::/10",  # deprecated site-local
    )
)
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


class Refused(Exception):
    """The target is not an http(s) URL, or resolves to an address Zan Watch must not call."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why this address may not be called, or None when it is globally routable."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast:
        return "a multicast address"
    if not ip.is_global or any(ip in net for net in _NOT_CALLABLE):
        return "an address that is not globally routable"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host spells out, in any form the system resolver would accept; None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def parse(url: str) -> httpx.URL:
    """An absolute http(s) URL without credentials, spaces or control characters; Refused otherwise."""
    if _SPACE_OR_CONTROL.search(url):
        raise Refused(f"{url!r} contains spaces or control characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise Refused(f"{url!r} is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise Refused(f"{url!r} is not an absolute http(s) URL such as https://host/path")
    if parsed.userinfo:
        raise Refused(f"{url!r} must not carry credentials: receivers verify the signature instead")
    return parsed


def _allowed(host: str, allow_hosts: Collection[str]) -> bool:
    return host.lower() in {h.lower() for h in allow_hosts}


def check(url: str, allow_hosts: Collection[str] = ()) -> httpx.URL:
    """What `subscribers add` asks: the parsed URL, Refused if it is malformed or names a non-public
    address outright (names are resolved, and checked, at every delivery)."""
    parsed = parse(url)
    ip = literal_address(parsed.host)
    reason = address_refusal(ip) if ip and not _allowed(parsed.host, allow_hosts) else None
    if parsed.host.lower() == "localhost" and not _allowed(parsed.host, allow_hosts):
        reason = "a loopback address"
    if reason:
        where = ip or parsed.host
        raise Refused(f"{url!r} points to {where}, {reason}: add the host to [webhooks] allow_hosts")
    return parsed


def resolve(host: str, port: int, allow_hosts: Collection[str]) -> str:
    """The address to connect to; Refused unless every address of the host is public or it is allowed.

    OSError (socket.gaierror) means the name did not resolve: a network error, worth a retry.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not _allowed(host, allow_hosts):
        for ip in addresses:
            reason = address_refusal(ip)
            if reason:
                raise Refused(
                    f"{host} resolves to {ip}, {reason}: add it to [webhooks] allow_hosts to allow it"
                )
    return str(addresses[0])
