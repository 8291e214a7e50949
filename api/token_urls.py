from django.urls import path

from api import token_views

urlpatterns = [
    path("create/", token_views.token_create, name="api_token_create"),
    path("revoke/", token_views.token_revoke, name="api_token_revoke"),
]
