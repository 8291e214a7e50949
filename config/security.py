"""Response headers that protect every page: a Content-Security-Policy, and no-store for signed-in users.

The policy lets pages load scripts, styles, images and fonts from this site only. Scripts live in
static files; an inline <script> must carry the request's nonce (`{{ csp_nonce }}` in templates,
`request.csp_nonce` in code). Styles come from static files too; only `style="…"` attributes are
allowed inline (progress bars and colour swatches are sized and coloured from data), which cannot
run code. htmx is told not to insert its own <style> element (base.html's htmx-config).

Static files are answered by WhiteNoise before these middlewares run, so they keep their long
public cache and carry no policy of their own.

One kind of response is not an app page: the written report as a standalone document
(templates/reports/document/print.html, WeasyPrint's input for the PDF, also downloadable as
report.html). It carries its print styles in a <style> block so that it stands alone, and is served
under STANDALONE_DOCUMENT_POLICY instead: no script at all, nothing loaded, inline styles only, and
sandboxed. A response that sets its own Content-Security-Policy keeps it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils.cache import add_never_cache_headers

POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'nonce-{nonce}'"),
    ("style-src", "'self'"),
    ("style-src-attr", "'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


# For a standalone document (no script, no form, no link to load): styles inline and nothing else.
# `sandbox` gives it an opaque origin, so it cannot read the app's cookies or pages even if a text
# in it were crafted; default-src 'none' refuses every load, so inline styles cannot fetch anything.
STANDALONE_DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; sandbox"
)


# A printable page of the app (the whole case review, reviews.views.review_print): like a standalone
# document (no script at all, inline styles only, nothing loaded), but not sandboxed, so that its
# links (PDF and JSON downloads, back to the review) work as links.
PRINT_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def policy_header(nonce: str) -> str:
    directives = [f"{name} {value.format(nonce=nonce)}" for name, value in POLICY]
    if settings.CSP_REPORT_URI:
        directives.append(f"report-uri {settings.CSP_REPORT_URI}")
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Give each request a fresh nonce and each response the policy (or its report-only form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        # Django's own debug pages (DEBUG only) are styled and scripted inline.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        # A response with a policy of its own (STANDALONE_DOCUMENT_POLICY) keeps it, alone.
        if "Content-Security-Policy" in response.headers:
            return response
        header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        response.headers.setdefault(header, policy_header(request.csp_nonce))
        return response


class NoStoreForSignedInUsersMiddleware:
    """Nothing sent to a signed-in user (pages, exports, refusals) may be kept by a browser or proxy.

    Case details, survey answers and exports must not stay in a shared computer's cache or in a
    proxy after the user has logged out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def csp_nonce(request) -> dict[str, str]:
    """Template context: `csp_nonce` (django-htmx's {% htmx_script %} reads this name too)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
