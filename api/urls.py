from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

REPORT = r"^reports/quarterly/(?P<quarter>\d{4}Q[1-4])/(?P<scope>[A-Za-z0-9]{1,8})/"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("metrics/results/", views.MetricResults.as_view(), name="metric_results"),
    path("metrics/results/<int:pk>/", views.MetricResultDetail.as_view(), name="metric_result"),
    path("metrics/runs/", views.MetricRuns.as_view(), name="metric_runs"),
    path("metrics/imports/", views.Imports.as_view(), name="imports"),
    path("metrics/imports/<int:pk>/", views.ImportDetail.as_view(), name="import_detail"),
    path("reviews/summary/", views.ReviewSummary.as_view(), name="review_summary"),
    path("surveys/results/", views.SurveyResults.as_view(), name="survey_results"),
    re_path(REPORT + r"$", views.QuarterlyReport.as_view(), name="quarterly_report"),
    re_path(REPORT + r"published/$", views.PublishedReport.as_view(), name="published_report"),
]
