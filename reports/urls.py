from django.urls import path, re_path

from reports import extract_views, report_views, views

app_name = "reports"

REPORT = r"^quarterly/(?P<quarter>\d{4}Q[1-4])/(?P<scope>[A-Za-z0-9]{1,8})/"
FORMATS = r"(?P<fmt>pdf|docx|xlsx|json|html)"

urlpatterns = [
    path("quarterly/", views.quarterly, name="quarterly"),
    re_path(r"^quarterly/export\.(?P<fmt>csv|xlsx)$", views.quarterly_export, name="quarterly_export"),
    # Cases linked to the extract (issue 16): the link form, notes on the panel's flags, the draw.
    path("extract/sample/", extract_views.draw_from_extract, name="extract_sample"),
    path("extract/cases/<int:case_pk>/link/", extract_views.link_case, name="extract_link"),
    path("extract/reviews/<int:pk>/notes/", extract_views.note_save, name="extract_note"),
    # The written report: drafted, reviewed and published in the app.
    path("written/", report_views.report_list, name="report_list"),
    path("written/open/", report_views.report_open, name="report_open"),
    re_path(REPORT + r"$", report_views.report_page, name="report"),
    re_path(REPORT + r"start/$", report_views.report_start, name="report_start"),
    re_path(REPORT + r"texts/$", report_views.report_texts, name="report_texts"),
    re_path(REPORT + r"commentary/$", report_views.report_commentary, name="report_commentary"),
    re_path(REPORT + r"submit/$", report_views.report_submit, name="report_submit"),
    re_path(REPORT + r"return/$", report_views.report_return, name="report_return"),
    re_path(REPORT + r"publish/$", report_views.report_publish, name="report_publish"),
    re_path(REPORT + r"reissue/$", report_views.report_reissue, name="report_reissue"),
    re_path(REPORT + r"changes/$", report_views.changes_page, name="report_changes"),
    re_path(REPORT + r"report\." + FORMATS + "$", report_views.download, name="report_download"),
    # A draft's PDF or Word file is prepared in the background (reports.prepared): its page, its file.
    re_path(REPORT + r"report\.(?P<fmt>pdf|docx)/prepared/$", report_views.prepared_page, name="report_prepared"),
    re_path(
        REPORT + r"report\.(?P<fmt>pdf|docx)/prepared/file$", report_views.prepared_file, name="report_prepared_file"
    ),
    re_path(REPORT + r"v(?P<number>[0-9]{1,4})/$", report_views.version_page, name="version"),
    re_path(
        REPORT + r"v(?P<number>[0-9]{1,4})/report\." + FORMATS + "$",
        report_views.version_download,
        name="version_download",
    ),
]
