from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kis_portal.jobs.access import jobs_for_user
from kis_portal.jobs.services import job_start
from kis_portal.roles import Role, has_role, primary_role, role_required, user_roles
from kis_portal.search import search_data, search_redirect

from .access import get_user_for_user, users_for_user
from .forms import IssueForm, NewPasswordForm, UserCreateForm, UserFilterForm, UserForm
from .home import summary_items, waiting_items
from .registry import can_send
from .selectors import (
    activity_state,
    login_security,
    setup_status,
    users_list,
)
from .services import password_changed, unlock_logins, user_create, user_update
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
    """Who works: last login, never logged in, dormant; by kecamatan, desa, role."""
    if hidden := search_redirect(request):
        return hidden
    form = UserFilterForm(data=search_data(request) or {})
    now = timezone.now()
    page = Paginator(
        users_list(users_for_user(request.user), **form.filters(), now=now), 50
    ).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.role_labels = [Role(name).label for name in sorted(user_roles(user))]
        user.activity = activity_state(user, now=now)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page_obj": page,
            "form": form,
            "dormant_days": settings.KIS_AKUN_DIAM_HARI,
        },
    )


@role_required(Role.ADMIN)
def user_create_view(request: HttpRequest) -> HttpResponse:
    """A new user; the one-time password is made by a job and printed on a slip."""
    form = UserCreateForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kirim = data.pop("kirim")
        try:
            user = user_create(**data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            job = job_start(
                kind="akun_sandi",
                by=request.user,
                params={"user_ids": [user.pk], "alasan": "akun baru", "kirim": kirim},
                label=f"Kata sandi sementara untuk {user.username}",
            )
            messages.success(
                request,
                f"Pengguna {user.username} dibuat. Unduh slip kata sandinya di "
                "halaman ini lalu serahkan kepadanya.",
            )
            return redirect("accounts:slip", pk=job.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "is_new": True, "days": settings.KIS_SANDI_SEMENTARA_HARI},
    )


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
        "kode_faskes": profile.kode_faskes if profile else "",
        "nama_faskes": profile.nama_faskes if profile else "",
        "jabatan": profile.jabatan if profile else "",
        "telepon": profile.telepon if profile else "",
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
            "edited_profile": profile,
            "security": login_security(user),
            "activity": activity_state(user, now=timezone.now()),
            "issue_form": IssueForm(),
            "can_send": can_send(),
            "can_replace": user.is_active
            and has_role(user, Role.OPERATOR_DESA)
            and bool(profile and profile.desa_id),
            "days": settings.KIS_SANDI_SEMENTARA_HARI,
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


@sensitive_post_parameters()
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own new password; after a one-time one, straight to work."""
    profile = getattr(request.user, "profile", None)
    temporary = bool(profile and profile.password_temporary)
    form = NewPasswordForm(user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays, others end
        password_changed(user=user)
        if temporary:
            messages.success(
                request,
                "Kata sandi baru tersimpan. Pakai kata sandi ini mulai sekarang.",
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
        return redirect("password_change_done")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form, "temporary": temporary},
    )
