from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.audit import log_action
from accounts.models import Agency, AuditEntry, Circuit, County, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People are deactivated, never deleted: who approved, returned or imported stays readable."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role", "memberships__agency"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Deactivate (cannot sign in any more; their records keep their name)")
    def deactivate(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "You cannot deactivate yourself.", messages.ERROR)
            return
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            log_action("accounts.user.deactivated", user=request.user, obj=user)
            count += 1
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "abbreviation", "name", "parent_organization", "contract_type", "active", "successor"]
    list_filter = ["active", "contract_type", "parent_organization"]
    search_fields = ["code", "abbreviation", "name"]


@admin.register(Circuit)
class CircuitAdmin(admin.ModelAdmin):
    list_display = ["number", "county_names"]
    search_fields = ["number", "counties__name"]

    @admin.display(description="Counties")
    def county_names(self, obj):
        return ", ".join(c.name for c in obj.counties.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("counties")


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "fips", "circuit", "cd_region"]
    list_filter = ["circuit", "cd_region"]
    search_fields = ["name", "fips"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__code", "agency__name"]
    autocomplete_fields = ["user", "agency"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "agency", "object_repr"]
    list_filter = ["action", "agency"]
    search_fields = ["action", "object_repr", "user__username", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
