"""Install the default question bank for any respondent group that has no survey yet."""

from django.core.management.base import BaseCommand
from django.db import transaction

from surveys import models, question_bank


class Command(BaseCommand):
    help = "Create version 1 of the default survey for each respondent group that has none (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
        self.stdout.write(f"Created {len(created)} survey(s): {', '.join(s.family for s in created) or 'none'}")
