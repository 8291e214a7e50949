"""Settings of section 1.8: named, versioned values stored in the database.

The defaults below seed version 1. Changing a value writes a new `SettingsVersion` with the full set;
computations read the latest. Each metric's `definition_version` follows the settings it uses.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from metrics.models import SettingsVersion

DEFAULTS: dict[str, Any] = {
    "victim_min_episode_days": 9,
    "victim_early_report_days": 9,
    "victim_dedup_days": 1,
    "victim_date_rule": "REPORT_AND_DISPOSITION_IN_WINDOW",
    "visit_max_age": 18,
    "caseworker_roles": ["CASE_MANAGER", "SUPERVISOR", "OTHER_CASEWORKER"],
    "count_video_worker_visits": False,
    "count_virtual_family_visits": False,
    "hcy_days": 30,
    "hcy_exclude_short_stays": False,
    "reentry_exit_reasons": ["REU", "RLV", "GDN"],
    "perm_thresholds_months": {"REU": 12, "RLV": 12, "GDN": 18, "ADO": 24},
    "perm_min_episode_days": 8,
    "thv_grace_days": 30,
    "stability_min_episode_days": 8,
    "caseload_cap": 15,
    "training_courses": ["TRAUMA_TOOLKIT"],
    "training_grace_days": 0,
    "sentinel_types": ["FATALITY", "NEAR_FATALITY", "SERIOUS_BODILY_INJURY"],
    "sentinel_report_business_days": 1,
    "plan_due_days": 60,
    "plan_review_days": 183,
    "older_youth_min_age": 14,
    "small_n_threshold": 10,
}


def current_version() -> SettingsVersion:
    """The settings in force; version 1 (the defaults) is created on first use."""
    latest = SettingsVersion.objects.order_by("-version").first()
    if latest is None:
        latest, _ = SettingsVersion.objects.get_or_create(version=1, defaults={"values": DEFAULTS, "note": "defaults"})
    return latest


def current() -> dict[str, Any]:
    return {**DEFAULTS, **current_version().values}


@transaction.atomic
def change(note: str = "", **values: Any) -> SettingsVersion:
    """Record a new settings version with `values` changed; unknown names are refused."""
    unknown = set(values) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown metric settings: {', '.join(sorted(unknown))}")
    merged = {**current(), **values}
    version = current_version().version + 1
    return SettingsVersion.objects.create(version=version, values=merged, note=note)
