"""Weights known from the seeds (spec/metrics.md section 5), stored as data, not code."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# Phase II: timely permanency 50%; the other Phase II measures 0% ("reexamined after Phase II
# implementation"). Phase I metrics have no published weight (null, not scored), so no rows.
WEIGHTS = {
    "timely_permanency": Decimal("0.50"),
    "residential_placement": Decimal("0"),
    "qrtp_assessment_30_days": Decimal("0"),
    "trauma_training": Decimal("0"),
    "supervisor_ratio": Decimal("0"),
    "cases_returned": Decimal("0"),
    "cases_returned_cost": Decimal("0"),
}
EFFECTIVE = date(2020, 8, 28)  # HB 1414 took effect


def seed(apps, schema_editor):
    MetricWeight = apps.get_model("metrics", "MetricWeight")
    for metric, weight in WEIGHTS.items():
        MetricWeight.objects.get_or_create(metric=metric, phase="II", effective_from=EFFECTIVE, defaults={"weight": weight})


def unseed(apps, schema_editor):
    apps.get_model("metrics", "MetricWeight").objects.filter(metric__in=WEIGHTS, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0003_plan_and_service_days")]
    operations = [migrations.RunPython(seed, unseed)]
