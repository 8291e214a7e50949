from django.urls import path, re_path

from reports import views

app_name = "reports"
urlpatterns = [
    path("quarterly/", views.quarterly, name="quarterly"),
    re_path(r"^quarterly/export\.(?P<fmt>csv|xlsx)$", views.quarterly_export, name="quarterly_export"),
]
