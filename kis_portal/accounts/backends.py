"""Authentication backends: the failed-login throttle in front of ModelBackend."""

from axes.backends import AxesStandaloneBackend


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
