"""The client's address, as the rate limits, the login lockout, the logs and the audit
records see it.

Behind the reverse proxy every request arrives from the proxy's address, so the whole
county would share one rate-limit counter. The proxy (deploy/nginx.conf) overwrites
`X-Forwarded-For` with the address it was connected from. That header is believed only
when the request came from one of `TRUSTED_PROXIES` (addresses or networks): a visitor
reaching the application directly cannot choose their address by sending the header.
Through a chain of proxies the list is read from the right, skipping trusted proxies; the
first address that is not one is the client.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks())


def _valid(address: str) -> str | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[2001:db8::1]:443"
        address = address[1 : address.index("]")]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent `request` (None when there is none)."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    for hop in reversed(hops):
        address = _valid(hop)
        if address is None:
            # A garbled entry: the addresses left of it cannot be believed either.
            return remote
        if not is_trusted_proxy(address):
            return address
    return remote
