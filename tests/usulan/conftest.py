import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def buleleng(db):
    """The demo office profile is active unless a test loads another."""
    call_command("load_profile", "buleleng", verbosity=0)
