"""The demo crawl under the real production settings, run by test_production_build.py.

Run as `python -m tests.smoke.production_crawl` with DJANGO_SETTINGS_MODULE=config.settings,
DEBUG off and STATIC_ROOT holding the output of `collectstatic`. It migrates and seeds the
(empty) database it is given, logs in through the login form as each demo user, crawls what
each can reach, opens the public survey pages, then fetches every /static/ file those pages
reference through the app itself (WhiteNoise, manifest storage). It writes one JSON report
to the path it is given; the test decides.
"""

from __future__ import annotations

import io
import json
import re
import sys

import django

# Production redirects plain HTTP to HTTPS: ask as a browser behind TLS would.
HTTPS = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}


def main() -> int:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.demo import DEMO_PASSWORD, DEMO_USERS
    from tests.smoke.crawl import crawl, static_assets

    class HttpsClient(Client):
        def request(self, **request):
            return super().request(**{**request, **HTTPS})

    call_command("migrate", verbosity=0)
    seed_output = io.StringIO()
    call_command("seed_demo", "--children", "300", stdout=seed_output)

    report: dict = {
        "debug": settings.DEBUG,
        "storage": settings.STORAGES["staticfiles"]["BACKEND"],
        "pages": {},
        "login_failures": {},
        "assets": {},
        "headers": {},
    }
    assets: set[str] = set()

    def collect(url, response):
        assets.update(static_assets(response.content.decode()))

    for username, *_ in DEMO_USERS:
        client = HttpsClient()
        login = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        if login.status_code != 302:
            report["login_failures"][username] = login.status_code
            continue
        report["pages"][username] = crawl(client, on_page=collect)
        home = client.get("/")
        report["headers"][username] = {
            "Cache-Control": home.get("Cache-Control", ""),
            "Content-Security-Policy": home.get("Content-Security-Policy", ""),
        }

    # Pages without an account: log-in, password reset, and a respondent's survey pages.
    anonymous = HttpsClient()
    public = ["/accounts/login/", "/accounts/password/reset/", "/surveys/respond/"]
    link = re.search(r"(/surveys/respond/t/[^/\s?]+/)", seed_output.getvalue())
    if link:
        public += [link.group(1), f"{link.group(1)}page/1/"]
    report["pages"]["(anonymous)"] = {}
    for url in public:
        response = anonymous.get(url)
        report["pages"]["(anonymous)"][url] = response.status_code
        if response.status_code == 200:
            collect(url, response)

    for url in sorted(assets):
        response = anonymous.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        report["assets"][url] = {
            "status": response.status_code,
            "bytes": len(body),
            "Cache-Control": response.get("Cache-Control", ""),
        }
    with open(sys.argv[1], "w") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
