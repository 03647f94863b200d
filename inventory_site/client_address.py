"""The client's address behind one reverse proxy, for the login lockout (django-axes).

Behind a proxy every request comes from the proxy's address (REMOTE_ADDR), so a
lockout by username and address would lock a username out for everyone at once. The
proxy appends the address it saw to ``X-Forwarded-For`` (nginx's
``$proxy_add_x_forwarded_for``), so the last entry is the client's as the proxy saw
it; entries before it were sent by the client, who can write anything there, and are
not believed. Used only when a setting says a proxy is in front; otherwise the header
is the client's own and REMOTE_ADDR is the address.
"""

from django.conf import settings
from django.http import HttpRequest


def forwarded_client_address(request: HttpRequest) -> str | None:
    """The address the proxy put last in ``X-Forwarded-For``, else REMOTE_ADDR."""
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if forwarded:
        return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def client_address(request: HttpRequest) -> str:
    """The client's address as the lockout counts it: the proxy's word for it when
    ``BEHIND_PROXY`` says a proxy is in front, else REMOTE_ADDR."""
    if settings.BEHIND_PROXY:
        return forwarded_client_address(request) or "unknown address"
    return request.META.get("REMOTE_ADDR") or "unknown address"
