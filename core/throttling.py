"""DRF throttles keyed on core.client_ip, the same address django-axes locks out."""

from __future__ import annotations

from rest_framework import throttling

from .client_ip import client_ip


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
