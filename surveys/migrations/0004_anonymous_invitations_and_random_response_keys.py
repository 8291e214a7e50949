"""Answers can no longer be lined up with invitations (issue 10, finding 5).

- Invitation.opened_at and .submitted_at (times of opening and answering) become one flag,
  `used`. Reversing restores submitted_at as the invitation date for used invitations (the real
  times are gone on purpose) and leaves opened_at empty.
- Response.id becomes a random 62-bit key instead of a sequence that followed the order in which
  invitations were opened; existing responses are re-keyed (their answers and follow-up requests
  follow). Reversing keeps the random keys (a sequence cannot be restored without the old order,
  which is what had to go).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import migrations, models

import surveys.models


def mark_used(apps, schema_editor):
    Invitation = apps.get_model("surveys", "Invitation")
    Invitation.objects.filter(submitted_at__isnull=False).update(used=True)


def unmark_used(apps, schema_editor):
    Invitation = apps.get_model("surveys", "Invitation")
    for invitation in Invitation.objects.filter(used=True).only("pk", "invited_on"):
        day = dt.datetime.combine(invitation.invited_on, dt.time(12), tzinfo=dt.UTC)
        Invitation.objects.filter(pk=invitation.pk).update(submitted_at=day)


def rekey_responses(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    FollowUpRequest = apps.get_model("surveys", "FollowUpRequest")
    old_keys = list(Response.objects.values_list("pk", flat=True))
    taken = set(old_keys)
    for old in old_keys:
        new = secrets.randbits(62) or 1
        while new in taken:
            new = secrets.randbits(62) or 1
        taken.add(new)
        # Foreign keys are checked at commit (deferred), so the children can follow the parent.
        Response.objects.filter(pk=old).update(id=new)
        Answer.objects.filter(response_id=old).update(response_id=new)
        FollowUpRequest.objects.filter(response_id=old).update(response_id=new)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_protect_users_who_acted")]

    operations = [
        migrations.AddField(model_name="invitation", name="used", field=models.BooleanField(default=False)),
        migrations.RunPython(mark_used, unmark_used),
        migrations.RemoveField(model_name="invitation", name="opened_at"),
        migrations.RemoveField(model_name="invitation", name="submitted_at"),
        migrations.AlterField(
            model_name="response",
            name="id",
            field=models.BigIntegerField(
                default=surveys.models.random_response_key, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.RunPython(rekey_responses, migrations.RunPython.noop),
    ]
