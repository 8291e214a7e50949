"""The newcomer's crawl, shared by the demo-page smoke test and the production-build check.

Follows same-site links two clicks deep from the home page (GET only, no logout, no
downloads) and records each page's status; `on_page` sees every HTML page that answered 200.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

LINK = re.compile(r'<a\s[^>]*href="([^"#]+)"', re.I)
SKIP = re.compile(r"/logout|/admin/|/export|\.csv|\.xlsx|\.pdf|\.docx|\.json|download|/respond/|/static/")
# Every file a page asks the browser to load: stylesheets, scripts, images.
ASSET = re.compile(r'<(?:link|script|img)\s[^>]*(?:href|src)="(/static/[^"]+)"', re.I)
MAX_PAGES = 80


def crawl(client, start: str = "/", on_page: Callable[[str, object], None] | None = None) -> dict[str, int]:
    seen: dict[str, int] = {}
    frontier = [start]
    for _depth in range(3):
        next_frontier: list[str] = []
        for url in frontier:
            if url in seen or len(seen) >= MAX_PAGES:
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            if on_page is not None:
                on_page(url, response)
            for href in LINK.findall(response.content.decode()):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or SKIP.search(parts.path):
                    continue
                next_frontier.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        frontier = next_frontier
    return seen


def static_assets(html: str) -> set[str]:
    """The /static/ files an HTML page references."""
    return {url.replace("&amp;", "&") for url in ASSET.findall(html)}
