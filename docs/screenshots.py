"""Screenshots of the demo tour in docs/user-guide.md: one home page and one working page per role.

Run against a server with the demo data (`make run`, or `manage.py seed_demo` then `runserver`):

    .venv/bin/python docs/screenshots.py [--base http://127.0.0.1:8000]

Headless chromium (/usr/bin/chromium, or CHROMIUM_PATH) at 1280 px; the PNGs go to docs/images/
as tour-<role>-<page>.png, the top 1280 x 900 of each page so that they stay small.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "demo-pass-2026"  # accounts.demo.DEMO_PASSWORD
IMAGES = Path(__file__).resolve().parent / "images"

# (file name, user, path): the tour's order in docs/user-guide.md.
SHOTS = [
    ("tour-reviewer-home", "reviewer_6za", "/"),
    ("tour-reviewer-reviews", "reviewer_6za", "/reviews/mine/"),
    ("tour-qa-home", "qa_6za", "/"),
    ("tour-qa-queue", "qa_6za", "/reviews/qa/"),
    ("tour-supervisor-home", "supervisor_6za", "/"),
    ("tour-supervisor-summary", "supervisor_6za", "/reviews/summary/"),
    ("tour-viewer-home", "viewer_6za", "/"),
    ("tour-viewer-dashboard", "viewer_6za", "/metrics/"),
    ("tour-admin-home", "admin_6za", "/"),
    ("tour-admin-waves", "admin_6za", "/surveys/waves/"),
    ("tour-state-home", "state_supervisor", "/"),
    ("tour-state-surveys", "state_supervisor", "/surveys/"),
    ("tour-state-report", "state_supervisor", "/reports/quarterly/?quarter=2023Q3"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    IMAGES.mkdir(exist_ok=True)
    executable = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        user = None
        context = page = None
        for name, username, path in SHOTS:
            if username != user:
                if context is not None:
                    context.close()
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(args.base + "/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("form button[type=submit], form input[type=submit]")
                page.wait_for_load_state("networkidle")
                user = username
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(IMAGES / f"{name}.png"))
            sys.stdout.write(f"{name}.png  {username}  {path}\n")
        browser.close()


if __name__ == "__main__":
    main()
