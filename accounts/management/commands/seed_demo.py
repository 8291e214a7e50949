"""Create demo users and, through each app's demo module, demo data. Idempotent."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo

# Order matters: reviews, metrics and surveys need the users; reports needs them all.
DEMO_APPS = ["reviews", "metrics", "surveys", "reports"]
# Further demo modules, run after the apps' own: written reports need every app's data.
DEMO_MODULES = ["reports.demo_written"]


class Command(BaseCommand):
    help = "Create one demo user per role in agencies 6ZA and 6ZB plus state staff, and demo data for every app."

    def add_arguments(self, parser):
        parser.add_argument("--users-only", action="store_true", help="Create the demo users and nothing else.")
        parser.add_argument(
            "--children",
            type=int,
            default=None,
            help="Children in the synthetic extract (default: the demo's 5,000; tests that only render pages use fewer).",
        )

    def handle(self, *args, users_only: bool = False, children: int | None = None, **options):
        with transaction.atomic():
            accounts_demo.seed(self.stdout)
        if not users_only:
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                if app == "metrics" and children:
                    module.seed(self.stdout, children=children)
                else:
                    module.seed(self.stdout)
            for name in DEMO_MODULES:
                importlib.import_module(name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        self.stdout.write(accounts_demo.logins_table())
