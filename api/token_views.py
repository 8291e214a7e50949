"""The API token on the user's profile page: create (the key is shown once, on this answer) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.views import profile
from api.tokens import create_token, revoke_token


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new token replaces the old one; the profile page shows it this once (it is not repeated later)."""
    request.new_api_token = create_token(request.user, by="profile")
    return profile(request)


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if revoke_token(request.user, by="profile"):
        messages.success(request, "Your API token is revoked: scripts using it are refused from now on.")
    return redirect("profile")
