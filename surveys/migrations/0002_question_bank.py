"""Load the default question bank (six groups, English and Spanish)."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys import question_bank

    question_bank.install({name: apps.get_model("surveys", name) for name in question_bank.SURVEY_MODELS})


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    # Reversing keeps the rows: loading skips groups that already have a survey, and unapplying
    # 0001 drops the tables anyway.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
