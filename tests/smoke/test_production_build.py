"""The README's production set-up, run for real: DEBUG off, config.settings, manifest storage.

In a temporary folder with a fresh SQLite database: `check --deploy` is clean, `collectstatic
--noinput` succeeds, every demo user logs in and crawls what they can reach with no server error,
every /static/ file those pages reference answers 200 with its hashed name and a long cache,
signed-in pages carry the Content-Security-Policy and no-store, and gunicorn (from
requirements.txt) serves the log-in page, its files and a real log-in.

These run in subprocesses because the test settings differ from production (plain static
storage, static files served from the source folders) exactly where this once broke.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from tests.smoke.crawl import static_assets

BASE_DIR = Path(settings.BASE_DIR)
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.M)


def production_env(tmp_path: Path) -> dict[str, str]:
    """The README's production variables, and nothing from the test run's environment."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        # TLS ends at the proxy in front of gunicorn; it says so with X-Forwarded-Proto.
        "BEHIND_TLS_PROXY": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_no_static_file_names_a_missing_source_map():
    """collectstatic's manifest storage refuses a file whose sourceMappingURL names a missing file."""
    from django.contrib.staticfiles import finders

    missing = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=None):
            if not path.endswith((".js", ".css")):
                continue
            full = Path(storage.path(path))
            for target in SOURCE_MAP.findall(full.read_bytes()):
                if target.startswith(b"data:"):
                    continue
                if not (full.parent / target.decode()).exists():
                    missing.append(f"{path} -> {target.decode()}")
    assert missing == []


def test_production_build_collects_static_files_and_serves_every_demo_page(tmp_path):
    env = production_env(tmp_path)

    check = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr

    collect = manage(env, "collectstatic", "--noinput")
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    report_path = tmp_path / "report.json"
    crawl = subprocess.run(
        [sys.executable, "-m", "tests.smoke.production_crawl", str(report_path)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    report = json.loads(report_path.read_text())

    assert report["debug"] is False
    assert report["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert report["login_failures"] == {}
    assert set(report["pages"]) == {username for username, *_ in DEMO_USERS} | {"(anonymous)"}
    broken = {
        user: {url: code for url, code in pages.items() if code not in (200, 302)}
        for user, pages in report["pages"].items()
    }
    assert {user: pages for user, pages in broken.items() if pages} == {}
    for user, pages in report["pages"].items():
        assert len(pages) > 3 or user == "(anonymous)", f"{user} reaches almost nothing: {pages}"
    assert len(report["pages"]["(anonymous)"]) == 5, "the demo invitation link is missing from seed_demo's output"
    # Signed-in pages are never stored and carry the Content-Security-Policy.
    assert set(report["headers"]) == {username for username, *_ in DEMO_USERS}
    for user, headers in report["headers"].items():
        assert "no-store" in headers["Cache-Control"], user
        assert "default-src 'self'" in headers["Content-Security-Policy"], user

    assets = report["assets"]
    # Bootstrap, the app's CSS, htmx and Chart.js at least.
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in assets} >= {
        "/static/vendor/bootstrap.min.css",
        "/static/vendor/bootstrap.bundle.min.js",
        "/static/css/app.css",
        "/static/django_htmx/htmx-2.min.js",
        "/static/vendor/chart.umd.min.js",
    }
    failing = {url: info for url, info in assets.items() if info["status"] != 200 or info["bytes"] == 0}
    assert failing == {}
    assert [url for url in assets if not HASHED.search(url)] == []
    # Hashed names never change content: browsers may keep them for good.
    assert {url for url, info in assets.items() if "immutable" not in info["Cache-Control"]} == set()

    check_gunicorn_serves(env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser behind a TLS proxy: cookies by hand (they are Secure), https origin."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content


def check_gunicorn_serves(env: dict[str, str]) -> None:
    """The collected, migrated and seeded build behind gunicorn: log-in page, its files, a log-in."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        browser = Browser(port)
        deadline = time.monotonic() + 60
        while True:
            try:
                response, content = browser.request("GET", "/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        assert response.status == 200
        page = content.decode()
        files = static_assets(page)
        assert files and all(HASHED.search(url) for url in files)
        for url in files:
            asset, body = Browser(port).request("GET", url)
            assert (url, asset.status) == (url, 200)
            assert body and "immutable" in asset.headers["Cache-Control"]

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        username = DEMO_USERS[2][0]
        form = f"csrfmiddlewaretoken={token}&username={username}&password={DEMO_PASSWORD}"
        response, _ = browser.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://127.0.0.1:{port}",
                "Referer": f"https://127.0.0.1:{port}/accounts/login/",
            },
        )
        assert (response.status, response.headers["Location"]) == (302, "/")
        assert "sessionid" in browser.cookies
        response, content = browser.request("GET", "/")
        assert response.status == 200
        assert DEMO_USERS[2][1] in content.decode()  # the user's first name in the menu
    finally:
        server.terminate()
        server.wait(timeout=30)
