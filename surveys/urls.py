from django.urls import path

from surveys import public, views

app_name = "surveys"

urlpatterns = [
    # Staff
    path("", views.results_page, name="results"),
    path("export/aggregates.csv", views.export_aggregates, name="export_aggregates"),
    path("export/responses.csv", views.export_responses, name="export_responses"),
    path("measures/<slug:code>/", views.measure, name="measure"),
    path("waves/", views.wave_list, name="wave_list"),
    path("waves/new/", views.wave_create, name="wave_create"),
    path("waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/contacts/", views.wave_upload, name="wave_upload"),
    path("waves/<int:pk>/send/", views.wave_send, name="wave_send"),
    path("waves/<int:pk>/codes/", views.wave_codes, name="wave_codes"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    # Respondents (no account): a printed code or an invitation link.
    path("respond/", public.enter_code, name="enter_code"),
    path("respond/thanks/", public.thanks, name="thanks"),
    path("respond/t/<str:token>/", public.welcome, name="welcome"),
    path("respond/t/<str:token>/page/<int:number>/", public.page, name="page"),
    path("respond/t/<str:token>/saved/", public.saved, name="saved"),
    path("respond/t/<str:token>/finish/", public.finish, name="finish"),
]
