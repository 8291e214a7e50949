"""Admin: settings versions, weights, regional goals and agency regions, runs (with a recompute action),
imports."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from config.background import enqueue
from metrics.models import AgencyRegion, ImportRun, MetricRun, MetricWeight, RegionalGoal, SettingsVersion
from metrics.tasks import compute_metrics_task


@admin.register(SettingsVersion)
class SettingsVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "note", "created_at")
    readonly_fields = ("created_at",)


@admin.register(MetricWeight)
class MetricWeightAdmin(admin.ModelAdmin):
    list_display = ("metric", "phase", "weight", "effective_from")
    list_filter = ("phase",)


@admin.register(RegionalGoal)
class RegionalGoalAdmin(admin.ModelAdmin):
    list_display = ("region", "effective_from", "value")


@admin.register(AgencyRegion)
class AgencyRegionAdmin(admin.ModelAdmin):
    """Which region's permanency goal applies to an agency (unset: where most of its days in care are)."""

    list_display = ("agency_code", "region", "effective_from")
    list_filter = ("region",)


@admin.action(description="Recompute the selected runs' months with the current extract and settings")
def recompute(modeladmin, request, queryset):
    for run in queryset:
        first, last = run.period_from, run.period_through
        transaction.on_commit(
            lambda first=first, last=last: enqueue(compute_metrics_task, first, last, user_id=request.user.pk)
        )
    messages.info(request, f"{queryset.count()} computation(s) queued.")


@admin.register(MetricRun)
class MetricRunAdmin(admin.ModelAdmin):
    list_display = ("id", "extract", "period_from", "period_through", "settings_version", "status", "started_at")
    list_filter = ("status",)
    actions = [recompute]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("id", "original_name", "status", "progress", "created_by", "created_at", "heartbeat_at")
    readonly_fields = ("problems",)
