"""CSV/formula injection: a payload typed into every reachable text field comes out neutralised.

Each export (web downloads and management commands, CSV and XLSX) is fetched after hostile text
was put where people can type it: the wave name, question and choice texts, free-text answers,
an agency code and name, an ANI reason, extract ids and an extract value echoed by the import
report. Every cell of every export must be safe (no text cell starts with = + - @ tab or CR unless
it is a plain number), and the payload must show up quoted, proving the field was reached.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from accounts.models import Agency
from metrics.models import ImportRun, MetricResult
from reports import publishing
from reports.quarterly import Quarter, resolve_scope
from reviews.models import ItemRating
from surveys.models import Answer, Question, Response, Section
from tests.metrics.bundle import build
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://x","y")'
QUESTION = "@SUM(1+1)*cmd|' /C calc'!A0"
CHOICE = "+1+2 agree"
ANSWER = "-2+3 said the youth"
AGENCY_CODE = "=6ZB"
AGENCY_NAME = "=cmd|' /C notepad'!A1"
EXTRACT_KEY = "-X1"  # a valid extract id ([A-Za-z0-9_.-]) that a spreadsheet reads as a formula
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[\d,]*\.?\d+(?:[eE][+-]?\d+)?%?")


def unsafe(cells: list) -> list:
    """Text cells a spreadsheet would run as a formula (numbers, negative ones too, are fine)."""
    return [
        c for c in cells if isinstance(c, str) and c.lstrip(" ")[:1] in TRIGGERS and not NUMBER.fullmatch(c.strip())
    ]


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "an XLSX cell holds a formula"
    return [c.value for c in cells if c.value is not None]


@pytest.fixture
def hostile(q3, personas):
    """The merged-report fixture with hostile text wherever people (or an extract) can put it."""
    q3.wave.name = PAYLOAD
    q3.wave.save()
    # The versions already have answers (frozen): write past the model's edit guard.
    Question.objects.filter(pk=q3.visits.pk).update(text_en=QUESTION)
    q3.visits.choices.filter(value="agree").update(label_en=CHOICE)
    (comments,) = Question.objects.bulk_create(
        [
            Question(
                survey=q3.youth,
                section=Section.objects.get(survey=q3.youth),
                position=2,
                code="comments",
                kind="text",
                text_en="Anything else?",
            )
        ]
    )
    # Enough 6ZB youth responses that the cell is published (and the 6ZA cell already is).
    h.answers(q3.wave, q3.youth, q3.visits, "6ZB", "2023-09-16", "agree", "agree", "agree")
    for response in Response.objects.filter(wave=q3.wave, group="youth"):
        Answer.objects.create(response=response, question=comments, text=ANSWER)
    Agency.objects.filter(code="6ZA").update(name=AGENCY_NAME)
    Agency.objects.filter(code="6ZB").update(code=AGENCY_CODE)
    ItemRating.objects.filter(review__case__agency__code="6ZA", item="14", calculated="ANI").update(reasons=[PAYLOAD])
    for period in ("2023-07", "2023-08"):
        h.result(q3.run, "worker_child_visits", period, EXTRACT_KEY, 5, 10, "-50.0", dimension="AGENCY")
    return q3


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response


# Every export URL name, and what the walk below fetches for it.
EXPORT_URLS = {
    "reviews:summary_export",
    "reviews:agreement_export",  # calibration agreement: item and outcome keys, the scope in the XLSX heading
    "reports:quarterly_export",
    "surveys:export_aggregates",
    "surveys:export_responses",
    "metrics:metric",  # ?format=csv and ?format=trend_csv
    "metrics:import_detail",  # ?format=csv (the import report)
    "reports:report_download",  # the written report's working copy: report.xlsx
    "reports:version_download",  # a published version: v1/report.xlsx
}


def _url_names(resolver: URLResolver, namespace: str = "") -> dict[str, str]:
    names = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.update(_url_names(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            names[f"{namespace}{entry.name}"] = str(entry.pattern)
    return names


def test_the_walk_covers_every_export_url():
    """A new export URL must be added to EXPORT_URLS (and so to the walk below)."""
    exports = {name for name, route in _url_names(get_resolver()).items() if re.search(r"export|\.csv|xlsx", route)}
    assert exports - EXPORT_URLS == set()


def test_every_web_export_neutralises_every_text_cell(hostile, personas, client_for, make_user):
    state = client_for(personas.state_supervisor)
    seen: dict[str, list] = {}
    for table in ("items", "outcomes", "parents", "ani"):
        url = reverse("reviews:summary_export", args=[table, "csv"])
        seen[f"reviews {table}.csv"] = csv_cells(get(state, url, group_by="agency").content.decode("utf-8"))
        url = reverse("reviews:summary_export", args=[table, "xlsx"])
        seen[f"reviews {table}.xlsx"] = xlsx_cells(get(state, url, group_by="agency").content)
    for fmt in ("csv", "xlsx"):
        response = get(state, reverse("reviews:agreement_export", args=[fmt]), period="2023Q3", agency="all")
        seen[f"agreement.{fmt}"] = (
            csv_cells(response.content.decode("utf-8")) if fmt == "csv" else xlsx_cells(response.content)
        )
    for scope in ("all", "6ZA"):
        csv_url, xlsx_url = (reverse("reports:quarterly_export", args=[fmt]) for fmt in ("csv", "xlsx"))
        seen[f"quarterly {scope}.csv"] = csv_cells(get(state, csv_url, quarter="2023Q3", agency=scope).content.decode())
        seen[f"quarterly {scope}.xlsx"] = xlsx_cells(get(state, xlsx_url, quarter="2023Q3", agency=scope).content)
    seen["aggregates.csv"] = csv_cells(get(state, reverse("surveys:export_aggregates")).content.decode("utf-8"))
    seen["responses.csv"] = csv_cells(get(state, reverse("surveys:export_responses")).content.decode("utf-8"))
    metric = reverse("metrics:metric", args=["worker_child_visits"])
    seen["metric.csv"] = csv_cells(get(state, metric, period="2023-07", format="csv").content.decode())
    seen["trend.csv"] = csv_cells(get(state, metric, period="2023-08", format="trend_csv").content.decode())
    # The written report's workbook: the draft (figures read now) and a published version (frozen).
    analyst = make_user("state_analyst", ("supervisor", "CD"))
    for scope in ("all", "6ZA"):
        user = personas.state_supervisor
        report = publishing.start(user, Quarter(2023, 3), resolve_scope(user, scope))
        draft = reverse("reports:report_download", args=["2023Q3", scope, "xlsx"])
        seen[f"written {scope} draft.xlsx"] = xlsx_cells(get(state, draft).content)
        publishing.publish(publishing.submit(report, user), analyst)
        version = reverse("reports:version_download", args=["2023Q3", scope, 1, "xlsx"])
        seen[f"written {scope} v1.xlsx"] = xlsx_cells(get(state, version).content)

    assert {name: unsafe(cells) for name, cells in seen.items() if unsafe(cells)} == {}
    expected = {
        "reviews items.csv": ["'" + AGENCY_CODE],
        "reviews items.xlsx": ["'" + AGENCY_CODE],
        "reviews ani.csv": ["'" + PAYLOAD],
        "reviews ani.xlsx": ["'" + PAYLOAD],
        "quarterly all.csv": ["'" + QUESTION],
        "quarterly 6ZA.xlsx": ["'" + QUESTION, f"6ZA — {AGENCY_NAME}"],
        "aggregates.csv": ["'" + PAYLOAD, "'" + QUESTION, "'" + CHOICE, "'" + AGENCY_CODE],
        "responses.csv": ["'" + PAYLOAD, "'" + ANSWER, "'" + AGENCY_CODE],
        "metric.csv": ["'" + EXTRACT_KEY, "-50.000000", "-50.0"],
        "trend.csv": ["'" + EXTRACT_KEY, "-50.0"],
        "written all draft.xlsx": ["'" + QUESTION],
        "written all v1.xlsx": ["'" + QUESTION],
        "written 6ZA draft.xlsx": ["'" + QUESTION, f"'{AGENCY_NAME} (6ZA)"],  # the scope on the About sheet
        "written 6ZA v1.xlsx": ["'" + QUESTION, f"'{AGENCY_NAME} (6ZA)"],
    }
    missing = {name: [v for v in values if v not in seen[name]] for name, values in expected.items()}
    assert {name: values for name, values in missing.items() if values} == {}


def test_the_results_command_neutralises_extract_ids_but_keeps_negative_numbers(hostile):
    out = io.StringIO()
    call_command("export_results", "--period", "2023-07", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    row = next(r for r in rows if r["key"] == "'" + EXTRACT_KEY)
    assert (row["value"], row["value_rounded"]) == ("-50.000000", "-50.0")
    assert unsafe(csv_cells(out.getvalue())) == []


def _zip(folder) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer


def test_the_import_report_neutralises_echoed_extract_values(
    personas, client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = [{"episode_id": "E1", "child_id": "C1", "removal_date": PAYLOAD}]
    folder = build(tmp_path / "b", removal_episodes=bad)
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import"), {"bundle": _zip(folder)})
    assert ImportRun.objects.get().status == "REJECTED"
    web = csv_cells(get(client, response["Location"], format="csv").content.decode())
    report_path = tmp_path / "report.csv"
    with pytest.raises(Exception, match="REJECTED"):
        call_command("import_extract", str(folder), "--report", str(report_path), stdout=io.StringIO())
    command = csv_cells(report_path.read_text())
    for cells in (web, command):
        assert "'" + PAYLOAD in cells
        assert unsafe(cells) == []


def test_a_negative_number_in_a_report_stays_a_number_in_the_xlsx(hostile, personas, client_for):
    quarter = MetricResult.objects.filter(run=hostile.run, metric="worker_child_visits", period="2023-Q3", key="6ZA")
    assert quarter.update(value=Decimal("-3.5"), value_rounded=Decimal("-3.5")) == 1
    url = reverse("reports:quarterly_export", args=["xlsx"])
    content = get(client_for(personas.state_supervisor), url, quarter="2023Q3", agency="6ZA").content
    values = xlsx_cells(content)
    assert -3.5 in values and "'-3.5" not in values
