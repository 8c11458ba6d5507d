"""Which webhook targets may be called: a URL must not let a subscriber reach our own network.

Names are checked after DNS resolution, and the connection then goes to the address that was checked,
so a second lookup cannot swap in a private address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The target resolves to an address Zan Watch must not call."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why this address may not be called, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    checks = (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
    )
    return next((reason for hit, reason in checks if hit), None)


def resolve(host: str, port: int, allow_hosts: Collection[str]) -> str:
    """The address to connect to; Refused unless every address of the host is public or it is allowed.

    OSError (socket.gaierror) means the name did not resolve: a network error, worth a retry.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if host.lower() not in {h.lower() for h in allow_hosts}:
        for ip in addresses:
            reason = address_refusal(ip)
            if reason:
                raise Refused(
                    f"{host} resolves to {ip}, {reason}: add it to [webhooks] allow_hosts to allow it"
                )
    return str(addresses[0])
