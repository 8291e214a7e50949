"""Load agencies, circuits and counties from the CSV files shipped in accounts/data/."""

from django.db import migrations

from accounts.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("accounts", "Agency"),
        apps.get_model("accounts", "Circuit"),
        apps.get_model("accounts", "County"),
    )


def unload(apps, schema_editor):
    apps.get_model("accounts", "County").objects.all().delete()
    apps.get_model("accounts", "Circuit").objects.all().delete()
    Agency = apps.get_model("accounts", "Agency")
    Agency.objects.update(successor=None)
    Agency.objects.filter(memberships__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
