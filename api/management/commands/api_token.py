"""Print a new API token for a user (replacing their old one), for scripts:

python manage.py api_token supervisor_6za
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api.tokens import create_token


class Command(BaseCommand):
    help = "Create a new API token for USERNAME (the old one stops working) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is not active: an inactive user's token would be refused.")
        self.stdout.write(create_token(user, by="command"))
