"""A URLconf whose one page raises, to exercise the 500 handler."""

from django.urls import path


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("", broken)]
handler500 = "kis_portal.views.server_error"
