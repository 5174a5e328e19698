"""Login and response middleware: session expiry, the two-factor step, the
one-time password's change, no-store.

Order in settings.MIDDLEWARE: after AuthenticationMiddleware, OTPMiddleware,
MessageMiddleware and CSPMiddleware (NoStoreMiddleware must run its response
part before CSPMiddleware's, i.e. sit below it in the list).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .twofactor import confirmed_device, requires_two_factor

LAST_SEEN_KEY = "kis_terakhir_aktif"  # Unix time of the last request
LOGIN_DAY_KEY = "kis_hari_masuk"  # local date (ISO) the session began
# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = 60

IDLE_MESSAGE = "Sesi Anda berakhir karena tidak ada aktivitas selama {menit} menit. Silakan masuk kembali."
MIDNIGHT_MESSAGE = (
    "Sesi Anda berakhir karena sudah berganti hari. Silakan masuk kembali."
)


def start_session_clock(request) -> None:
    """Called at login: the session's day and last activity start now."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = timezone.now()
    session[LOGIN_DAY_KEY] = timezone.localdate(now).isoformat()
    session[LAST_SEEN_KEY] = int(now.timestamp())


class SessionExpiryMiddleware:
    """Log out after KIS_SESI_DIAM_MENIT idle minutes and at local midnight."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired_message(request)
            if expired:
                next_url = request.get_full_path() if request.method == "GET" else ""
                logout(request)
                messages.warning(request, expired)
                if next_url:
                    return redirect_to_login(next_url)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)

    @staticmethod
    def _expired_message(request) -> str:
        session = request.session
        now = timezone.now()
        stamp = int(now.timestamp())
        today = timezone.localdate(now).isoformat()
        day, last_seen = session.get(LOGIN_DAY_KEY), session.get(LAST_SEEN_KEY)
        if settings.KIS_SESI_TENGAH_MALAM and day is not None and day != today:
            return MIDNIGHT_MESSAGE
        idle = settings.KIS_SESI_DIAM_MENIT * 60
        if idle and last_seen is not None and stamp - last_seen > idle:
            return IDLE_MESSAGE.format(menit=settings.KIS_SESI_DIAM_MENIT)
        if day is None:
            session[LOGIN_DAY_KEY] = today
        if last_seen is None or stamp - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = stamp
        return ""


# Views a user who still owes the code may reach (URL names).
TWO_FACTOR_OPEN_VIEWS = frozenset(
    {"logout", "admin:logout", "two_factor:verify", "two_factor:enrol", "healthz"}
)


class TwoFactorMiddleware:
    """With KIS_2FA on, send users of the 2FA roles to the code step first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not requires_two_factor(request.user) or request.user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN_VIEWS:
            return None
        step = "two_factor:verify"
        if confirmed_device(request.user) is None:
            step = "two_factor:enrol"
        url = reverse(step)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


# Views a user who still holds a one-time password may reach (URL names).
PASSWORD_CHANGE_OPEN_VIEWS = frozenset(
    {
        "logout",
        "admin:logout",
        "password_change",
        "two_factor:verify",
        "two_factor:enrol",
        "healthz",
    }
)


class PasswordChangeRequiredMiddleware:
    """A one-time password (slip, admin's reset) is replaced before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        profile = getattr(user, "profile", None)
        if profile is None or not profile.password_temporary:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PASSWORD_CHANGE_OPEN_VIEWS:
            return None
        return redirect("password_change")


class NoStoreMiddleware:
    """Responses from views carry personal data: no cache may keep them.

    Static files never reach this (WhiteNoise answers them first, with its long
    cache). A view that set its own Cache-Control keeps it. A response framed
    by the portal itself (X-Frame-Options SAMEORIGIN, the verifier's document
    viewer) gets the matching CSP frame-ancestors 'self' instead of 'none'.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = ["'self'"]
            response._csp_replace = replace
        return response
