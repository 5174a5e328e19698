from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.accounts.access import role_required
from kis_portal.accounts.roles import Role
from kis_portal.jobs.services import job_start

from .models import AuditEvent
from .selectors import audit_events


@role_required(Role.ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    action = request.GET.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    page = Paginator(audit_events(q=q, action=action), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/audit_list.html",
        {
            "page_obj": page,
            "q": q,
            "action": action,
            "actions": AuditEvent.Action.choices,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    job = job_start(
        kind="audit_export",
        by=request.user,
        params={
            "q": request.POST.get("q", "").strip()[:100],
            "action": action if action in AuditEvent.Action.values else "",
        },
    )
    messages.success(request, "Ekspor jejak audit sedang disiapkan.")
    return redirect(job)
