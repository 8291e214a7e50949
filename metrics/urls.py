from django.urls import path

from metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_extract, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("compute/", views.compute, name="compute"),
    path("<slug:code>/", views.metric_detail, name="metric"),
    path("<slug:code>/<str:period>/<str:agency_code>/", views.metric_units, name="units"),
]
