"""The client's address, for throttles and login lockouts.

`X-Forwarded-For` is written by whoever sends the request, so it is only believed as far as the
proxies we run ourselves: with TRUSTED_PROXY_COUNT = N (default 0), the address is the one the
outermost of our N proxies saw, the Nth entry from the right. With 0, the header is ignored.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote_addr
    return forwarded[-min(proxies, len(forwarded))]
