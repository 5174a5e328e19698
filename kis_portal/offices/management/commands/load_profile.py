from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kis_portal.offices.services import (
    ProfileError,
    available_profiles,
    profile_load_named,
)


class Command(BaseCommand):
    help = "Load (or reload) a shipped office profile and make it the active one."

    def add_arguments(self, parser):
        parser.add_argument("name", help=f"one of: {', '.join(available_profiles())}")
        parser.add_argument(
            "--no-activate", action="store_true", help="load without making it active"
        )

    def handle(self, *args, name: str, no_activate: bool, **options):
        try:
            profile = profile_load_named(name=name, activate=not no_activate)
        except (ProfileError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Profil {profile.slug} dimuat: {profile.requirements.count()} persyaratan, "
            f"{profile.columns.count()} kolom ekspor"
            + (", aktif." if profile.is_active else ".")
        )
