"""Load the default question bank (six groups, English and Spanish)."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys import question_bank

    names = ("Survey", "Section", "Question", "Choice", "MeasureTag")
    question_bank.install({name: apps.get_model("surveys", name) for name in names})


def unload(apps, schema_editor):
    from surveys import question_bank

    Survey = apps.get_model("surveys", "Survey")
    # Only unanswered bank versions can go; answered ones are PROTECTed by their responses.
    Survey.objects.filter(family__in=question_bank.ALL_GROUPS, version=1, responses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
