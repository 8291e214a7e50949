"""Security headers: a Content-Security-Policy on every page; nothing a signed-in user sees is stored.

Issue 10, finding 13. The browser side (every main page works under the policy, no violation
in the console) is tests/browser/test_content_security_policy.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.security import STANDALONE_DOCUMENT_POLICY
from reports import publishing
from reports.models import Report
from reports.quarterly import Quarter, Scope

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
# Templates that are not app pages but standalone documents, served only under their own policy
# (config.security.STANDALONE_DOCUMENT_POLICY: no script at all, inline styles only, sandboxed).
# They may keep their styles in a <style> block, so that the document stands alone; everything else
# the scan checks still holds for them, and they may hold no <script> at all.
# test_the_standalone_report_is_served_only_under_its_own_policy checks how they are served.
STANDALONE_DOCUMENTS = {
    # The written report: WeasyPrint's input for the PDF (reports.rendering.to_pdf) and the
    # report.html download (reports.report_views).
    "templates/reports/document/print.html",
    # The whole case review: WeasyPrint's input for its PDF and the printable page (reviews.views.review_print,
    # under config.security.PRINT_PAGE_POLICY: the same, not sandboxed, so its download links work).
    "templates/reviews/print.html",
}
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in header.split(";"))}


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", policy(response)["script-src"]).group(1)


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{22,}'", directives["script-src"])
    assert directives["style-src"] == "'self'"
    assert directives["style-src-attr"] == "'unsafe-inline'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce_and_the_htmx_script_carries_it(personas, client_for):
    client = client_for(personas.reviewer_a)
    first, second = client.get("/"), client.get("/")
    assert nonce_of(first) != nonce_of(second)
    assert f'nonce="{nonce_of(first)}"' in first.content.decode()
    # htmx is told not to add its own <style> element, which the policy would refuse.
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false' in first.content.decode()


@pytest.mark.django_db
def test_the_policy_can_be_sent_report_only_with_a_report_address(client, settings):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "https://reports.example.org/csp"
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    header = response["Content-Security-Policy-Report-Only"]
    assert "report-uri https://reports.example.org/csp" in header and "default-src 'self'" in header


def test_no_template_has_inline_event_handlers_style_blocks_or_inline_scripts_without_a_nonce():
    problems = []
    seen = set()
    for folder in TEMPLATE_DIRS + sorted(Path(settings.BASE_DIR).glob("*/templates")):
        for path in folder.rglob("*.html"):
            text = path.read_text()
            name = str(path.relative_to(settings.BASE_DIR))
            seen.add(name)
            if INLINE_HANDLER.search(text):
                problems.append(f"{name}: inline event handler (on...=)")
            if name in STANDALONE_DOCUMENTS:
                if SCRIPT_TAG.search(text):
                    problems.append(
                        f"{name}: a standalone document may hold no <script> (its policy refuses every one)"
                    )
                continue
            if re.search(r"<style\b", text, re.I):
                problems.append(f"{name}: <style> block")
            for attributes in SCRIPT_TAG.findall(text):
                if "src=" not in attributes and "nonce=" not in attributes and "application/json" not in attributes:
                    problems.append(f"{name}: inline <script> without a nonce")
    assert problems == []
    assert STANDALONE_DOCUMENTS <= seen, "a standalone document listed above no longer exists: remove it"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/profile/",
        "/reviews/",
        "/reviews/summary/",
        "/metrics/",
        "/surveys/",
        "/reports/quarterly/",
        "/surveys/export/aggregates.csv",
        "/surveys/export/responses.csv",
        "/reports/quarterly/export.csv",
        "/reports/quarterly/export.xlsx",
        "/reviews/summary/export/items.csv",
    ],
)
def test_nothing_a_signed_in_user_is_sent_may_be_stored(personas, client_for, url):
    response = client_for(personas.state_supervisor).get(url)
    assert response.status_code == 200, url
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


@pytest.mark.django_db
def test_refusals_and_the_admin_for_signed_in_users_are_not_stored_either(personas, client_for):
    refused = client_for(personas.reviewer_a).get("/surveys/waves/")
    assert refused.status_code == 403
    assert "no-store" in refused["Cache-Control"]
    admin = client_for(personas.state_admin)
    personas.state_admin.is_staff = personas.state_admin.is_superuser = True
    personas.state_admin.save()
    page = admin.get("/admin/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_static_files_keep_their_public_cache_for_signed_in_users(personas, client_for):
    response = client_for(personas.reviewer_a).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_standalone_report_is_served_only_under_its_own_policy(personas, client_for, make_user, settings):
    """The written report's standalone document (print.html) is rendered for the report.html download
    only, under STANDALONE_DOCUMENT_POLICY and nothing else (even when the app's policy is report-only);
    the written report's app pages and other downloads never render it and carry the app's policy."""
    state, analyst = personas.state_supervisor, make_user("state_analyst", ("supervisor", "CD"))
    report = publishing.start(state, Quarter(2023, 3), Scope(None))
    publishing.publish(publishing.submit(report, state), analyst)
    publishing.reissue(Report.objects.get(pk=report.pk), state, "Figures corrected.")  # a draft beside version 1
    client = client_for(state)
    base = "/reports/quarterly/2023Q3/all/"
    documents = [base + "report.html", base + "v1/report.html"]  # the draft's, version 1's
    pages = ["/reports/written/", base, base + "v1/", base + "changes/", base + "report.json", base + "v1/report.xlsx"]
    standalone = {name.removeprefix("templates/") for name in STANDALONE_DOCUMENTS if "/reports/" in name}
    for report_only in (False, True):
        settings.CSP_REPORT_ONLY = report_only
        for url in documents:
            response = client.get(url)
            assert response.status_code == 200, url
            assert standalone <= {t.name for t in response.templates}, url
            assert response["Content-Security-Policy"] == STANDALONE_DOCUMENT_POLICY, url
            assert "Content-Security-Policy-Report-Only" not in response, url
            assert "<style>" in response.content.decode() and "<script" not in response.content.decode(), url
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not standalone & {t.name for t in response.templates}, url
            header = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"
            assert "script-src 'self' 'nonce-" in response[header], url
