"""The browsable API in the app's own layout.

DRF's page is Bootstrap 3 with its own menu; it fails the app's accessibility checks (no page
language, a low-contrast breadcrumb, an unnamed menu button) and carries write forms this
read-only API never uses. This renderer keeps DRF's content negotiation and context, and draws it
with templates/api/browsable.html: the app's menu, colours and CSP, the response as JSON with its
links clickable.
"""

from __future__ import annotations

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    template = "api/browsable.html"

    def show_form_for_method(self, view, method, request, obj):
        return False  # read-only: no forms
