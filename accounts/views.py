from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts.attention import attention_for
from accounts.forms import LoginForm
from accounts.models import STATE_AGENCY_CODE, Agency
from accounts.navigation import entries_for
from accounts.passwords import PasswordResetForm, too_many_resets


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for any address; past the limits (per address, per client) a 429 instead."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if too_many_resets(self.request, form.cleaned_data["email"]):
            minutes = settings.PASSWORD_RESET_WINDOW_MINUTES
            form.add_error(
                None,
                "Too many password reset requests for this address or from your network. "
                f"Try again in {minutes} minutes.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@login_required
def home(request):
    """What needs the user's attention (accounts.attention), then what the user can do, grouped by
    section: the menu's entries as cards, each saying where."""
    memberships = list(request.user.memberships.select_related("agency"))
    # The page lists each role with its agency; a role's rights hold only there (see accounts.scoping).
    state_staff = request.user.is_superuser or any(m.agency.code == STATE_AGENCY_CODE for m in memberships)
    agency_count = Agency.objects.count() if state_staff else len({m.agency_id for m in memberships})
    sections: dict[str, list[dict]] = {}
    for entry in entries_for(request.user):
        sections.setdefault(entry["section"], []).append(entry)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "sections": sections,
            "state_staff": state_staff,
            "agency_count": agency_count,
            "attention": attention_for(request.user),
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
