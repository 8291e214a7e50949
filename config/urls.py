from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/profile/api-token/", include("api.token_urls")),
    path("reviews/", include("reviews.urls")),
    path("metrics/", include("metrics.urls")),
    path("surveys/", include("surveys.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin, error pages).
    path("favicon.ico", lambda request: redirect(static("favicon.ico"), permanent=True), name="favicon"),
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
