"""python manage.py purge_extract_uploads: delete uploaded extract bundles no import needs.

A bundle is deleted when its import finishes (loaded, unchanged or rejected); a failed run's bundle
is kept for Retry for METRICS_IMPORT_KEEP_FAILED_DAYS. Run this daily (cron) to delete those and any
file no run refers to."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from metrics.imports import purge_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded extract bundles of failed imports older than METRICS_IMPORT_KEEP_FAILED_DAYS "
        "and files no import refers to."
    )

    def handle(self, **options):
        deleted = purge_uploads()
        days = settings.METRICS_IMPORT_KEEP_FAILED_DAYS
        self.stdout.write(
            f"Deleted {len(deleted)} uploaded bundle{'s' if len(deleted) != 1 else ''} "
            f"(failed imports are kept {days} days for Retry)."
        )
