"""When the database cannot be reached, a request gets a 503 page, not a 500.

Two ways in: the middleware turns such an error raised by a view into the page, and
``server_error`` (the site's ``handler500``) does so for one raised anywhere else, a
middleware loading the session or checking a lockout, which Django answers with its
500 handler while the exception is still being handled.

A lost or refused connection is not a defect of the page that met it: it says "try
again shortly" (503 Service Unavailable), in the product's layout, and is logged on
``inventory_site.database`` with its traceback. The page is rendered without the
request, so that neither the session nor the user is loaded from the database that
is down.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("inventory_site.database")

# How long a client is asked to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return unavailable(request, exception)


def unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 page for ``exception``, a lost or refused database connection, logged."""
    logger.error(
        "The database is unavailable for %s %s: %s",
        request.method,
        request.path,
        exception,
        exc_info=exception,
    )
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500 handler: the 503 page when the error being handled is the
    database's, else the 500 page (rendered without the request, as Django's own)."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return unavailable(request, exception)
    return HttpResponse(render_to_string("500.html"), status=500)
