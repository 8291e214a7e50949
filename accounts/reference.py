"""Reference data shipped with the app: agencies, circuits and counties (accounts/data/*.csv).

Loaded by migration 0002; `load_reference_data` is idempotent so tests that flush the database
(transactional tests) and operators can load it again.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Great Circle (6ZT) was discontinued in April 2023; KVC Missouri (6ZV) took over its cases.
SUCCESSORS = {"6ZT": "6ZV"}


def load_reference_data(Agency=None, Circuit=None, County=None) -> None:
    """Create or update every agency, circuit and county. Models may be historical ones."""
    if Agency is None:
        from accounts.models import Agency, Circuit, County

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

    Circuit.objects.bulk_create([Circuit(number=n) for n in range(1, 47)], ignore_conflicts=True)
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
