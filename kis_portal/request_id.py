"""One id per request: in the X-Request-ID response header, in every log line
written while the request runs, and on the 500 page ("Kode kejadian"), so an
officer's report of an error finds its log lines.

An incoming X-Request-ID (nginx's $request_id, a load balancer's) is kept only
when it is a short token of letters, digits, '.', '_' or '-'; anything else
(too long, spaces, newlines, markup) is replaced by a generated id, so a client
can neither forge log lines nor inject text into the page.
"""

import contextvars
import logging
import re
import secrets

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
SAFE_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_REQUEST = "-"

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)


def new_request_id() -> str:
    """16 hex digits, never all decimal: one in 1,800 would look like a NIK in
    the logs (and be masked there, losing the id)."""
    while (request_id := secrets.token_hex(8)).isdigit():
        pass
    return request_id


def current_request_id() -> str:
    """The id of the request being handled here, or "-" outside a request."""
    return _current.get()


def accepted_request_id(incoming: str) -> str | None:
    return incoming if SAFE_TOKEN.fullmatch(incoming or "") else None


class RequestIdMiddleware:
    """First in MIDDLEWARE: every response, even an error, carries the id."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.META.get(META_KEY, ""))
        request_id = request_id or new_request_id()
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the format shows it as %(request_id)s)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
