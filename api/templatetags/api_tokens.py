"""`{% api_token_panel %}` on the profile page: the user's API token (never its key after creation)."""

from __future__ import annotations

from django import template

from api.tokens import last_use, token_of

register = template.Library()


@register.inclusion_tag("api/_token_panel.html", takes_context=True)
def api_token_panel(context) -> dict:
    request = context["request"]
    user = request.user
    return {
        "token": token_of(user),
        "last_use": last_use(user),
        "new_key": getattr(request, "new_api_token", None),
        "csrf_token": context.get("csrf_token"),
    }
