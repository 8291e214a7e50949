from django.urls import path

from reviews import calibration_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/<int:case_pk>/start/", views.review_create, name="review_create"),
    path("mine/", views.review_list, name="review_list"),
    path("qa/", views.qa_queue, name="qa_queue"),
    path("samples/", views.sample_list, name="sample_list"),
    path("calibration/", calibration_views.calibration_page, name="calibration"),
    path("calibration/draw/", calibration_views.calibration_draw, name="calibration_draw"),
    path("calibration/mark/", calibration_views.calibration_mark, name="calibration_mark"),
    path("calibration/<int:pk>/start/", calibration_views.calibration_start, name="calibration_start"),
    path("calibration/<int:pk>/reconcile/", calibration_views.calibration_reconcile, name="calibration_reconcile"),
    path("summary/", views.summary, name="summary"),
    path("instrument/", views.instrument_document, name="instrument"),
    path("summary/export/<str:table>.<str:fmt>", views.summary_export, name="summary_export"),
    path("summary/reviews/", views.summary_drill, name="summary_drill"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/print/", views.review_print, name="review_print"),
    path("<int:pk>/review.pdf", views.review_pdf, name="review_pdf"),
    path("<int:pk>/review.json", views.review_json, name="review_json"),
    path("<int:pk>/face-sheet/", views.face_sheet, name="face_sheet"),
    path("<int:pk>/face-sheet/save/", views.face_sheet_save, name="face_sheet_save"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/<int:person_pk>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/participants/<int:person_pk>/edit/", views.participant_edit, name="participant_edit"),
    path("<int:pk>/items/<str:key>/", views.item, name="item"),
    path("<int:pk>/answer/", views.answer_save, name="answer"),
    path("<int:pk>/narrative/", views.narrative_save, name="narrative"),
    path("<int:pk>/transition/", views.review_transition, name="transition"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/reply/", views.note_reply, name="note_reply"),
    path("<int:pk>/notes/<int:note_pk>/resolve/", views.note_resolve, name="note_resolve"),
    path("<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note_delete"),
    path("<int:pk>/override/", views.override, name="override"),
]
