import hmac
import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kis_portal.offices.selectors import active_profile_for
from kis_portal.ops.health import health_report
from kis_portal.request_id import current_request_id

logger = logging.getLogger(__name__)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page says: send them the logo."""
    return redirect(static(settings.KIS_OFFICE_LOGO), permanent=False)


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


@never_cache
@require_GET
def healthz_detail(request: HttpRequest) -> JsonResponse:
    """For an internal monitor: every check with its value and threshold.

    Sent "Authorization: Bearer <KIS_HEALTHZ_TOKEN>"; 404 while no token is set,
    403 for a wrong one. 200 when every check passes, 503 otherwise.
    """
    token = settings.KIS_HEALTHZ_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"status": "forbidden"}, status=403)
    report = health_report()
    if report["failing"]:
        logger.warning("healthz: failing %s", ",".join(report["failing"]))
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
def aksesibilitas(request: HttpRequest) -> HttpResponse:
    """Public: the accessibility statement, with the office's contact."""
    return render(
        request, "aksesibilitas.html", {"profile": active_profile_for(request)}
    )


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
