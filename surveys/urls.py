from django.urls import path

from surveys import public

app_name = "surveys"

urlpatterns = [
    # Respondents (no account): a printed code or an invitation link.
    path("respond/", public.enter_code, name="enter_code"),
    path("respond/thanks/", public.thanks, name="thanks"),
    path("respond/t/<str:token>/", public.welcome, name="welcome"),
    path("respond/t/<str:token>/page/<int:number>/", public.page, name="page"),
    path("respond/t/<str:token>/saved/", public.saved, name="saved"),
    path("respond/t/<str:token>/finish/", public.finish, name="finish"),
]
