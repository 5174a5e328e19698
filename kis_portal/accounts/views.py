from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kis_portal.jobs.access import jobs_for_user
from kis_portal.roles import Role, primary_role, role_required, user_roles

from .access import get_user_for_user, users_for_user
from .forms import UserForm
from .home import summary_items, waiting_items
from .selectors import login_security, setup_status, users_list
from .services import unlock_logins, user_create, user_update
from .twofactor import reset_devices


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page listing what waits for it."""
    role = primary_role(request.user)
    if role is None:
        return render(request, "accounts/home/no_role.html", status=403)
    context = {
        "waiting": waiting_items(request.user),
        "summary": summary_items(request.user),
        "recent_jobs": jobs_for_user(request.user)[:5],
        "profile": getattr(request.user, "profile", None),
    }
    if role == Role.ADMIN:
        context["setup"] = setup_status()
    return render(request, f"accounts/home/{role}.html", context)


@role_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    users = users_list(users_for_user(request.user), q=q, role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.role_labels = [Role(name).label for name in sorted(user_roles(user))]
    return render(
        request,
        "accounts/user_list.html",
        {"page_obj": page, "q": q, "role": role, "roles": Role.choices},
    )


@role_required(Role.ADMIN)
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Pengguna {user.username} dibuat.")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "is_new": True})


@role_required(Role.ADMIN)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for_user(request.user, pk)
    profile = getattr(user, "profile", None)
    initial = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": primary_role(user),
        "desa": profile.desa if profile else None,
        "kecamatan": list(profile.kecamatan.all()) if profile else [],
        "jabatan": profile.jabatan if profile else "",
        "is_active": user.is_active,
    }
    form = UserForm(data=request.POST or None, initial=initial, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(user=user, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Pengguna {user.username} diperbarui.")
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "is_new": False,
            "edited": user,
            "security": login_security(user),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """End a failed-login lockout before its cool-off runs out."""
    user = get_user_for_user(request.user, pk)
    unlock_logins(user, by=request.user)
    messages.success(request, f"Kunci masuk {user.username} dibuka.")
    return redirect("accounts:user_edit", pk=user.pk)


@require_POST
@role_required(Role.ADMIN)
def user_reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget a user's authenticator (lost phone): they enrol again at next login."""
    user = get_user_for_user(request.user, pk)
    reset_devices(user, by=request.user)
    messages.success(
        request,
        f"Verifikasi dua langkah {user.username} direset. Ia mendaftarkan "
        "aplikasi autentikator lagi saat masuk berikutnya.",
    )
    return redirect("accounts:user_edit", pk=user.pk)
