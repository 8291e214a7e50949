from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts.forms import LoginForm
from accounts.navigation import entries_for
from accounts.scoping import agencies_for_user, is_state_staff


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """What the user can do, grouped by section: the menu's entries as cards, each saying where."""
    memberships = request.user.memberships.select_related("agency")
    sections: dict[str, list[dict]] = {}
    for entry in entries_for(request.user):
        sections.setdefault(entry["section"], []).append(entry)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "sections": sections,
            "state_staff": is_state_staff(request.user),
            "agency_count": agencies_for_user(request.user).count(),
        },
    )


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"memberships": request.user.memberships.select_related("agency")})


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the error may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render())
