"""Every login, successful or not, is logged: who, from where, on which page.

Logged on ``inventory_site.logins``; under production settings that goes to standard
output with the rest of the log. A password is never logged, only the username tried.
"""

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .client_address import client_address

logger = logging.getLogger("inventory_site.logins")


def _origin(request: HttpRequest | None) -> str:
    """The client address (the same one the lockout counts by) and path of a login
    attempt (unknown outside a request)."""
    if request is None:
        return "outside a request"
    return f"from {client_address(request)} at {request.path}"


@receiver(user_logged_in, dispatch_uid="inventory_site.login_log.logged_in")
def login_succeeded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("Login of %r %s", user.get_username(), _origin(request))


@receiver(user_login_failed, dispatch_uid="inventory_site.login_log.login_failed")
def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced sensitive values (the password) in credentials.
    logger.warning("Failed login for %r %s", credentials.get("username", ""), _origin(request))
