"""The report's charts, drawn on the server: one layout, two outputs (SVG and PNG).

A chart is first a *specification* (plain JSON, stored with a published report): a title,
categories, series of values, an optional goal line, the unit. `layout()` turns it into drawing
primitives (rectangles, lines, text) on a fixed canvas; `to_svg()` writes them as inline SVG for
the HTML page and the PDF (WeasyPrint renders inline SVG), `to_png()` paints the same primitives
with Pillow for Word (python-docx embeds PNG, not SVG).

Why not a charting library: matplotlib would add ~40 MB and a font cache for three chart kinds,
and cairosvg needs the Cairo C library; Pillow is already installed with WeasyPrint, so both
outputs come from one small module with no new dependency, and they cannot disagree.

Colours are the Okabe–Ito colour-blind-safe hues darkened to at least 3:1 against white
(WCAG 2.1, 1.4.11 non-text contrast); text is near-black. A chart is never drawn without data:
`measure_charts` leaves it out, and the page says why in words.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from html import escape
from typing import Any

from reports import wording as w

WIDTH = 640
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
TEXT = "#212529"
MUTED = "#495057"
GRID = "#ced4da"
GOAL = "#212529"
SERIES = ("#0072B2", "#A04000", "#00796B", "#6C3483")
STATE = "#5D6D7E"
CHAR = 0.58  # average glyph width of DejaVu Sans, in font sizes (to fit labels without measuring)


# --------------------------------------------------------------------------------------------
# Specifications from a measure of the report
# --------------------------------------------------------------------------------------------


def _float(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def measure_charts(measure: dict, ctx: dict) -> list[dict]:
    """The charts of one measure: the headline metric, the case reviews, the surveys (each only with data)."""
    specs = []
    headline = next((m for m in measure["metrics"] if m.get("computed", True)), None)
    if headline is not None:
        spec = metric_chart(headline, ctx)
        if spec:
            specs.append(spec)
    if spec := review_chart(measure):
        specs.append(spec)
    if spec := survey_chart(measure):
        specs.append(spec)
    return specs


def metric_chart(metric: dict, ctx: dict) -> dict | None:
    months = ctx["months"]
    short = [w.month_label(p, with_year=False)[:3] for p in months]
    goal = _float(metric.get("goal"))
    base = {
        "part": "metric",
        "kind": "bars",
        "unit": metric["unit"],
        "goal": goal,
        "goal_label": f"Goal: {w.goal_text(metric.get('comparator', ''), metric.get('goal'), metric['unit'])}"
        if goal is not None
        else "",
    }
    if ctx["scope"] == "all" and metric.get("agencies"):
        rows = [
            (code, row)
            for code, row in sorted(metric["agencies"].items())
            if any(_float((c or {}).get("value")) is not None for c in row["months"].values())
        ]
        every = [_float((c or {}).get("value")) for _, row in rows for c in row["months"].values()]
        if not any(every):  # all zero: the sentences and the table say it; an empty chart would not
            return None
        categories = ["State", *[code for code, _ in rows]]
        series = []
        for period, label in zip(months, short, strict=True):
            state_cell = metric["months"].get(period) or {}
            values = [_float(state_cell.get("value"))]
            values += [_float((row["months"].get(period) or {}).get("value")) for _, row in rows]
            series.append({"name": f"{label} {period[:4]}", "values": values})
        return base | {
            "title": f"{metric['title']} by agency, {ctx['quarter_label']}",
            "categories": categories,
            "series": series,
            "description": f"Bar chart of {metric['title']} for the state and each agency in each month of the "
            "quarter, with the goal as a dashed line. The figures are in the table by agency.",
        }
    values = [_float((metric["months"].get(p) or {}).get("value")) for p in months]
    if not any(values):  # no value, or all zero: an empty box says nothing the table does not
        return None
    series = [{"name": w.agency_name(ctx["scope"]) if ctx["scope"] != "all" else "Statewide", "values": values}]
    if metric.get("statewide"):
        state = [_float((metric["statewide"]["months"].get(p) or {}).get("value")) for p in months]
        if any(v is not None for v in state):
            series.append({"name": "Statewide", "values": state, "colour": STATE})
    return base | {
        "title": f"{metric['title']} by month, {ctx['quarter_label']}",
        "categories": short,
        "series": series,
        "labels": True,
        "description": f"Bar chart of {metric['title']} in each month of the quarter"
        + (" against the statewide value" if len(series) > 1 else "")
        + ", with the goal as a dashed line. The figures are in the table above.",
    }


def review_chart(measure: dict) -> dict | None:
    rows = [
        (f"Item {i['item']}: {i['title']}", _float(i["percent_strength"]), i["applicable"])
        for i in measure["reviews"]["items"]
        if i["applicable"]
    ]
    rows += [
        (f"Outcome {o['outcome']}", _float(o["percent"]), o["applicable"])
        for o in measure["reviews"]["outcomes"]
        if o["applicable"]
    ]
    if not any(v for _, v, _ in rows):  # all 0%: the table and the sentences say it
        return None
    return {
        "part": "reviews",
        "kind": "hbars",
        "unit": "PERCENT",
        "title": "Case reviews: % Strength (items), % substantially achieved (outcomes)",
        "categories": [f"{label} (n {n})" for label, _, n in rows],
        "series": [{"name": "Percent", "values": [v for _, v, _ in rows], "colour": SERIES[2]}],
        "goal": None,
        "goal_label": "",
        "labels": True,
        "description": "Horizontal bar chart of the share of applicable cases rated a Strength for each related "
        "item, and substantially achieved for each outcome. The counts are in the case-review table.",
    }


def survey_chart(measure: dict) -> dict | None:
    rows = [r for r in measure["surveys"]["results"] if not r["suppressed"] and r.get("percent") not in (None, "")]
    if not any(_float(r["percent"]) for r in rows):
        return None
    return {
        "part": "surveys",
        "kind": "hbars",
        "unit": "PERCENT",
        "title": "Stakeholder surveys: % favourable",
        "categories": [_survey_label(r) for r in rows],
        "series": [{"name": "% favourable", "values": [_float(r["percent"]) for r in rows], "colour": SERIES[0]}],
        "goal": None,
        "goal_label": "",
        "labels": True,
        "description": "Horizontal bar chart of percent favourable per respondent group. Suppressed groups are "
        "not drawn. The counts are in the survey table.",
    }


def _survey_label(result: dict) -> str:
    """'Youth in care: How often does your case manager… (n 7)': the group, the question, n kept visible."""
    group = w.capitalise(w.GROUP_NOUNS.get(result["group"], result["group_label"]))
    tail = f" (n {result['n']})"
    text = f"{group}: {result['text']}"
    room = 50 - len(tail)
    return (text if len(text) <= room else text[: room - 1].rstrip() + "…") + tail


# --------------------------------------------------------------------------------------------
# Layout: a specification -> primitives
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0
    dash: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 11
    anchor: str = "start"  # start, middle, end
    bold: bool = False
    fill: str = TEXT


@dataclass
class Drawing:
    width: float
    height: float
    shapes: list
    title: str
    description: str


def _nice_max(peak: float, unit: str) -> float:
    if unit == "PERCENT":
        return 100.0
    if peak <= 0:
        return 1.0
    exponent = math.floor(math.log10(peak))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10**exponent
        if top >= peak * 1.1:
            return top
    return 10 ** (exponent + 1)


def _ticks(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _tick_label(value: float, unit: str) -> str:
    if unit == "PERCENT":
        return f"{value:.0f}%"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _value_label(value: float, unit: str) -> str:
    return w.value_text(f"{value}", unit).replace(" per 100,000 days", "").replace(" per 1,000 days", "")


def _fit(text: str, size: float, room: float) -> str:
    chars = int(room / (size * CHAR))
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def _legend(shapes: list, spec: dict, y: float) -> float:
    x = 56.0
    items = [(s["name"], s.get("colour") or SERIES[i % len(SERIES)], False) for i, s in enumerate(spec["series"])]
    if spec.get("goal") is not None:
        items.append((spec["goal_label"], GOAL, True))
    for name, colour, dashed in items:
        room = len(name) * 11 * CHAR + 30
        if x + room > WIDTH - 10:
            x, y = 56.0, y + 18
        if dashed:
            shapes.append(Line(x, y - 4, x + 18, y - 4, colour, 2, dash=True))
        else:
            shapes.append(Rect(x, y - 10, 12, 12, colour))
        shapes.append(Text(x + 24 if dashed else x + 17, y, name, 11))
        x += room
    return y


def layout(spec: dict) -> Drawing:
    return _hbars(spec) if spec["kind"] == "hbars" else _bars(spec)


def _bars(spec: dict) -> Drawing:
    shapes: list = []
    unit = spec["unit"]
    values = [v for s in spec["series"] for v in s["values"] if v is not None]
    top = _nice_max(max([*values, spec.get("goal") or 0]), unit)
    left, right, plot_top, plot_h = 56.0, WIDTH - 12.0, 34.0, 170.0
    bottom = plot_top + plot_h
    shapes.append(Text(left, 18, _fit(spec["title"], 13, WIDTH - left), 13, bold=True))
    for tick in _ticks(top):
        y = bottom - plot_h * tick / top
        shapes.append(Line(left, y, right, y, GRID, 1))
        shapes.append(Text(left - 6, y + 4, _tick_label(tick, unit), 10, "end", fill=MUTED))
    categories = spec["categories"]
    group_w = (right - left) / max(len(categories), 1)
    n = len(spec["series"])
    bar_w = min(group_w * 0.8 / n, 46)
    label_size = 10 if group_w > 34 else 9
    for ci, category in enumerate(categories):
        x0 = left + ci * group_w + (group_w - bar_w * n) / 2
        for si, series in enumerate(spec["series"]):
            value = series["values"][ci]
            if value is None:
                continue
            h = plot_h * min(value, top) / top
            colour = series.get("colour") or SERIES[si % len(SERIES)]
            shapes.append(Rect(x0 + si * bar_w, bottom - h, bar_w - 1, h, colour))
            if spec.get("labels"):
                shapes.append(Text(x0 + si * bar_w + bar_w / 2, bottom - h - 4, _value_label(value, unit), 9, "middle"))
        shapes.append(Text(left + ci * group_w + group_w / 2, bottom + 14, category, label_size, "middle"))
    shapes.append(Line(left, bottom, right, bottom, TEXT, 1))
    if spec.get("goal") is not None:
        y = bottom - plot_h * min(spec["goal"], top) / top
        shapes.append(Line(left, y, right, y, GOAL, 2, dash=True))
    last = _legend(shapes, spec, bottom + 38)
    return Drawing(WIDTH, last + 10, shapes, spec["title"], spec.get("description", ""))


def _hbars(spec: dict) -> Drawing:
    shapes: list = []
    unit = spec["unit"]
    categories = spec["categories"]
    values = spec["series"][0]["values"]
    colour = spec["series"][0].get("colour") or SERIES[0]
    top = _nice_max(max([v for v in values if v is not None] or [1]), unit)
    label_w = 300.0
    left, right = label_w + 10, WIDTH - 52.0
    row_h, plot_top = 24.0, 34.0
    shapes.append(Text(8, 18, _fit(spec["title"], 13, WIDTH - 16), 13, bold=True))
    bottom = plot_top + row_h * len(categories)
    for tick in _ticks(top):
        x = left + (right - left) * tick / top
        shapes.append(Line(x, plot_top - 4, x, bottom, GRID, 1))
        shapes.append(Text(x, bottom + 14, _tick_label(tick, unit), 10, "middle", fill=MUTED))
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        y = plot_top + i * row_h
        shapes.append(Text(label_w, y + row_h / 2 + 4, _fit(category, 10, label_w - 8), 10, "end"))
        if value is None:
            continue
        width = (right - left) * min(value, top) / top
        shapes.append(Rect(left, y + 4, max(width, 1), row_h - 8, colour))
        shapes.append(Text(left + width + 4, y + row_h / 2 + 4, _value_label(value, unit), 10))
    shapes.append(Line(left, plot_top - 4, left, bottom, TEXT, 1))
    return Drawing(WIDTH, bottom + 24, shapes, spec["title"], spec.get("description", ""))


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


def to_svg(spec: dict, element_id: str = "") -> str:
    """Inline SVG (no script, no external reference), scaled to the page width by CSS."""
    d = layout(spec)
    title_id = f"{element_id}-title" if element_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {d.width:.0f} {d.height:.0f}" '
        f'width="{d.width:.0f}" height="{d.height:.0f}" role="img"'
        + (f' id="{escape(element_id)}" aria-labelledby="{title_id}"' if element_id else "")
        + f' font-family="{FONT}">',
        f"<title{f' id={chr(34)}{title_id}{chr(34)}' if title_id else ''}>{escape(d.title)}. {escape(d.description)}</title>",
        f'<rect x="0" y="0" width="{d.width:.0f}" height="{d.height:.0f}" fill="#ffffff"/>',
    ]
    for s in d.shapes:
        if isinstance(s, Rect):
            parts.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.fill}"/>')
        elif isinstance(s, Line):
            dash = ' stroke-dasharray="6 4"' if s.dash else ""
            parts.append(
                f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" stroke="{s.stroke}" '
                f'stroke-width="{s.width}"{dash}/>'
            )
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            parts.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" '
                f'fill="{s.fill}"{weight}>{escape(s.text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def to_png(spec: dict, scale: float = 2.5) -> bytes:
    """The same drawing painted with Pillow (for Word), `scale` times the SVG's pixel size."""
    from PIL import Image, ImageDraw, ImageFont

    d = layout(spec)
    image = Image.new("RGB", (int(d.width * scale), int(d.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], Any] = {}

    def font(size: float, bold: bool):
        key = (size, bold)
        if key not in fonts:
            fonts[key] = ImageFont.truetype(BOLD_FILE if bold else FONT_FILE, int(size * scale))
        return fonts[key]

    for s in d.shapes:
        if isinstance(s, Rect):
            if s.w * scale < 1 or s.h * scale < 1:
                continue  # a zero-height bar (value 0) draws nothing, as in the SVG
            draw.rectangle([s.x * scale, s.y * scale, (s.x + s.w) * scale - 1, (s.y + s.h) * scale - 1], fill=s.fill)
        elif isinstance(s, Line):
            if s.dash:
                _dashed(draw, s, scale)
            else:
                draw.line(
                    [s.x1 * scale, s.y1 * scale, s.x2 * scale, s.y2 * scale],
                    fill=s.stroke,
                    width=max(1, int(s.width * scale)),
                )
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            draw.text((s.x * scale, s.y * scale), s.text, fill=s.fill, font=font(s.size, s.bold), anchor=anchor)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _dashed(draw, s: Line, scale: float) -> None:
    length = math.hypot(s.x2 - s.x1, s.y2 - s.y1)
    if not length:
        return
    ux, uy = (s.x2 - s.x1) / length, (s.y2 - s.y1) / length
    position = 0.0
    while position < length:
        end = min(position + 6, length)
        draw.line(
            [
                (s.x1 + ux * position) * scale,
                (s.y1 + uy * position) * scale,
                (s.x1 + ux * end) * scale,
                (s.y1 + uy * end) * scale,
            ],
            fill=s.stroke,
            width=max(1, int(s.width * scale)),
        )
        position += 10
