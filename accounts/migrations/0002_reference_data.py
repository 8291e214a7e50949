"""Load agencies, circuits and counties from the CSV files shipped in accounts/data/."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

# Great Circle (6ZT) was discontinued in April 2023; KVC Missouri (6ZV) took over its cases.
SUCCESSORS = {"6ZT": "6ZV"}


def load(apps, schema_editor):
    Agency = apps.get_model("accounts", "Agency")
    Circuit = apps.get_model("accounts", "Circuit")
    County = apps.get_model("accounts", "County")

    with open(DATA / "agencies.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Agency.objects.update_or_create(
                code=row["code"],
                defaults={
                    "abbreviation": row["abbreviation"],
                    "name": row["name"],
                    "parent_organization": row["parent_organization"],
                    "contract_type": row["contract_type"],
                    "active": row["active"].strip().lower() == "true",
                },
            )
    for old, new in SUCCESSORS.items():
        Agency.objects.filter(code=old).update(successor=Agency.objects.get(code=new))

    for number in range(1, 47):
        Circuit.objects.get_or_create(number=number)
    with open(DATA / "missouri_counties.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            County.objects.update_or_create(
                fips=row["county_fips"],
                defaults={
                    "name": row["county_name"],
                    "circuit_id": int(row["judicial_circuit"]),
                    "cd_region": row["cd_region"],
                },
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
