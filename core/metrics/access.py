"""Who may read `/metrics`: a request from an allowed address, or with the bearer token.

An address is trusted only for a request that reached the application directly. The
reverse proxy in front (deploy/nginx.conf) connects from 127.0.0.1 and adds X-Real-IP /
X-Forwarded-For, so a proxied request with a loopback REMOTE_ADDR is a visitor's: it needs
the token.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def _networks(
    allowed: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in allowed:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network; ignored", entry)
    return tuple(networks)


def _address_allowed(request) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def _token_given(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and constant_time_compare(given.strip(), token)


def metrics_allowed(request) -> bool:
    return _token_given(request) or _address_allowed(request)
