"""The address a request came from, seen through the reverse proxies the deployment trusts."""

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import TypedDict

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RequestOrigin(TypedDict):
    """Where a request came from, as services that write an audit trail take it."""

    ip_address: str | None
    user_agent: str


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    """The networks named by KARVAN_TRUSTED_PROXIES (IP addresses or CIDR blocks)."""
    return _networks(tuple(settings.KARVAN_TRUSTED_PROXIES))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[Network]
) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or X-Forwarded-For when a trusted proxy sent it.

    The forwarded chain is read from the right (the hop nearest this server), skipping the hops
    that are trusted proxies themselves; the first untrusted one is the client. An address a client
    wrote into the header itself sits further left and is never reached, and a header from a peer
    that is not a trusted proxy is ignored altogether.
    """
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = trusted_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # a malformed hop: nothing to its left can be believed
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def request_origin(request: HttpRequest) -> RequestOrigin:
    """Where a request came from, as an audit trail records it: the client's address (behind
    trusted proxies) and its user agent, cut to the column's length."""
    return {
        "ip_address": client_address(request),
        "user_agent": request.headers.get("User-Agent", "")[:400],
    }
