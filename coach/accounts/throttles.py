"""Rate limits on the ways in: logging in for an API token and signing up (DRF throttles, rates in
`settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`). Password guessing on the login pages is
locked out by django-axes (settings `AXES_*`), which identifies the client the same way."""

from rest_framework.throttling import AnonRateThrottle, BaseThrottle


class LoginRateThrottle(AnonRateThrottle):
    """`POST /api/token/`, per client address, whoever it claims to be."""

    scope = "login"


class SignUpRateThrottle(AnonRateThrottle):
    """New accounts, per client address."""

    scope = "signup"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind `REST_FRAMEWORK["NUM_PROXIES"]` trusted proxies
    the address they saw (for django-axes, as for the throttles)."""
    return BaseThrottle().get_ident(request)
