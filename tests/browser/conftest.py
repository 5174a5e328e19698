import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data, as `make run` shows it."""
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


@pytest.fixture
def sign_in(page, live_server):
    """Log in through the real login form as a demo account."""

    def _sign_in(username: str, password: str = "demo12345"):
        page.context.clear_cookies()  # switching persona: log the previous one out
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill(password)
        # Wait for the page the form's POST leads to (home, password change, or the
        # login form again with its message): a goto before it lands would cancel it.
        with page.expect_navigation():
            page.get_by_role("button", name="Masuk").click()
        return page

    return _sign_in
