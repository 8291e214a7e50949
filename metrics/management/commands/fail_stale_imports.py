"""python manage.py fail_stale_imports: mark failed the extract imports whose worker died.

Run it from cron (every few minutes) when imports run on Celery workers; the import pages do the
same check whenever they are opened."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from metrics.imports import fail_stale_imports


class Command(BaseCommand):
    help = (
        "Mark failed the imports with no heartbeat for METRICS_IMPORT_STALE_MINUTES "
        "(their worker died); they can then be retried from the import page."
    )

    def handle(self, **options):
        ids = fail_stale_imports()
        minutes = settings.METRICS_IMPORT_STALE_MINUTES
        if ids:
            self.stdout.write(f"Marked failed (no heartbeat for {minutes} minutes): {', '.join(map(str, ids))}")
        else:
            self.stdout.write("No stale import.")
