import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from kis_portal.request_id import current_request_id

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the database answers.

    A failure says only 503 {"status": "error"}: the reason (host names, user
    names, driver messages) goes to the log, never to whoever asked.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"
        logger.error("healthz: database unreachable (%s)", type(exc).__name__)
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain page with the request's id, which is also in the error's log lines.

    No context processors and no database: the database may be what failed.
    """
    request_id = getattr(request, "request_id", None) or current_request_id()
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponse(html, status=500)
