"""Authentication backends: the failed-login throttle in front of ModelBackend."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from kis_portal.audit.services import audit_record

from .selectors import password_expired

# Set on the request when the password was right but a one-time one past its
# expiry: the login form then says so instead of "wrong password".
EXPIRED_FLAG = "kis_sandi_sementara_kedaluwarsa"


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with an HTTP request.

    Code that authenticates without a request (the test client's `login()`, a
    management command) has no client address to throttle by; axes would raise
    for it, so it passes through to the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


class PortalModelBackend(ModelBackend):
    """Django's ModelBackend, loading the user's profile (its desa) with the user,
    and refusing a one-time password past its expiry.

    Every request reads the profile to scope data to the operator's desa; one
    joined query instead of two on every page.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        if user is not None and password_expired(user):
            if request is not None:
                setattr(request, EXPIRED_FLAG, True)
            audit_record(
                action="login_failed",
                target=user,
                reason="kata sandi sementara kedaluwarsa",
            )
            return None
        return user

    def get_user(self, user_id):
        UserModel = get_user_model()  # noqa: N806 - Django's own spelling
        try:
            user = UserModel._default_manager.select_related("profile").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
