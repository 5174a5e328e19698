"""Used by scripts/release (make upgrade / make rollback).

manage.py release_migrations save FILE            the applied migrations, before migrate
manage.py release_migrations rollback FILE --check what a rollback would unapply;
                                                  exit 3 when it cannot be undone
manage.py release_migrations rollback FILE        unapply them (refused if irreversible)
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kis_portal.ops.release import (
    load_applied,
    rollback_apply,
    rollback_plan,
    save_applied,
)

IRREVERSIBLE_EXIT = 3


class Command(BaseCommand):
    help = "Simpan keadaan migrasi sebelum pembaruan, atau balikkan migrasi sejak itu."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["save", "rollback"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="hanya periksa; tidak mengubah apa pun"
        )

    def handle(self, *args, action: str, file: Path, check: bool, **options):
        if action == "save":
            count = save_applied(file)
            self.stdout.write(f"{count} migrasi tercatat di {file}")
            return
        if not file.exists():
            raise CommandError(
                f"{file} tidak ada: keadaan sebelum pembaruan tidak tercatat"
            )
        plan = rollback_plan(load_applied(file))
        if not plan.steps:
            self.stdout.write("Tidak ada migrasi yang perlu dibalik.")
            return
        self.stdout.write(f"Migrasi yang dibalik ({len(plan.steps)}):")
        for step in plan.steps:
            self.stdout.write(f"  {step}")
        if not plan.reversible:
            self.stderr.write("Migrasi ini TIDAK bisa dibalik:")
            for line in plan.irreversible:
                self.stderr.write(f"  {line}")
            sys.exit(IRREVERSIBLE_EXIT)
        if check:
            self.stdout.write("Semua bisa dibalik.")
            return
        rollback_apply(plan)
        self.stdout.write("Migrasi dibalik.")
