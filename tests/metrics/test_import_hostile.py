"""Hostile extract bundles (issue 10, findings 3, 8 and 9): every limit, unsafe zip member names and
values the database cannot store are refused with a message naming the file (and line) and the rule
or limit, and nothing is written."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from django.db import models as dj

from metrics import models
from metrics.extract.load import RATIO_FLOOR, load_bundle
from metrics.extract.schema import FILES, ID_LENGTH, INT_RANGE
from tests.metrics.bundle import build, reference_rows
from tests.metrics.test_import import base, write

pytestmark = pytest.mark.django_db

EPISODE = [{"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-01"}]


def nothing_written() -> bool:
    return not models.Extract.objects.exists() and not models.Child.objects.exists()


def zipped(folder: Path, target: Path, extra: dict[str, bytes] | None = None, prefix: str = "") -> Path:
    """The bundle in `folder` as a deflated zip, plus `extra` members written as given."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, arcname=prefix + path.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return target


def refusal(result, rule: str):
    assert result.status == "REJECTED", [str(p) for p in result.report.problems]
    found = [p for p in result.report.errors if p.rule == rule]
    assert found, f"{rule} not reported; got {[str(p) for p in result.report.problems]}"
    return found[0]


# --------------------------------------------------------------------------------------------
# Finding 8: the schema declares what the model fields can hold, and the loader checks it
# --------------------------------------------------------------------------------------------


def test_the_schema_declares_what_every_model_field_can_hold():
    """Walks every column of every file: the rule the loader checks and the field it is stored in
    agree, so a value that passes validation always fits its column."""
    for spec in FILES:
        model = getattr(models, spec.model)
        for column in spec.columns:
            field = model._meta.get_field(spec.field_map.get(column.name, column.name))
            where = f"{spec.name} {column.name}"
            if column.type == "text":
                assert isinstance(field, dj.CharField) and column.max_length == field.max_length, where
            elif column.type == "id":
                assert isinstance(field, dj.CharField) and field.max_length == ID_LENGTH, where
            elif column.type in ("code", "yn"):
                assert isinstance(field, dj.CharField) and max(map(len, column.codes)) <= field.max_length, where
            elif column.type == "int":
                # 32-bit on every database Django supports
                assert type(field) is dj.IntegerField and INT_RANGE == (-(2**31), 2**31 - 1), where
            elif column.type == "dec":
                assert isinstance(field, dj.DecimalField), where
                assert column.digits == (field.max_digits, field.decimal_places), where
            else:
                assert column.type == "date" and isinstance(field, dj.DateField), where


def _text_columns() -> list[tuple[str, str, int]]:
    return [(s.name, c.name, c.max_length) for s in FILES for c in s.columns if c.type == "text"]


def _files_with_every_text_column() -> dict[str, list[dict]]:
    files = base()
    files["manifest"] = [
        {
            "extract_id": "long",
            "schema_version": "1",
            "state": "MO",
            "as_of_date": "2023-10-31",
            "source_system": "FACES",
            "generated_at": "2023-11-01T00:00:00",
        }
    ]
    for name, rows in reference_rows().items():
        files[name.removesuffix(".csv")] = rows
    files["education_records"] = [
        {"record_id": "ED1", "child_id": "C1", "school_year": "2022-23", "grade": "5", "year_end_status": "PROMOTED"}
    ]
    return files


@pytest.mark.parametrize("file, column, max_length", _text_columns(), ids=lambda v: str(v))
def test_a_text_value_longer_than_its_column_is_refused_with_file_line_and_column(tmp_path, file, column, max_length):
    files = _files_with_every_text_column()
    rows = files[file.removesuffix(".csv")]
    rows[0][column] = "x" * (max_length + 1)
    result = load_bundle(write(tmp_path, files))
    problem = refusal(result, "GEN3")
    assert (problem.file, problem.line, problem.column) == (file, 2, column)
    assert problem.message == f"longer than {max_length} characters"
    assert nothing_written()


def test_a_300_character_agency_name_is_refused_and_a_200_character_one_loads(tmp_path):
    files = _files_with_every_text_column()
    files["agencies"][1]["agency_name"] = "A" * 300
    result = load_bundle(write(tmp_path / "long", files))
    problem = refusal(result, "GEN3")
    assert str(problem).startswith("ERROR agencies.csv line 3 agency_name AAAA")
    assert "longer than 200 characters (rule GEN3)" in str(problem)
    assert len(problem.value) == 201 and problem.value.endswith("…")  # the echo is cut, not the rule
    assert nothing_written()
    files["agencies"][1]["agency_name"] = "A" * 200
    assert load_bundle(write(tmp_path / "fits", files)).status == "LOADED"
    assert models.ExtractAgency.objects.filter(agency_name="A" * 200).count() == 1


@pytest.mark.parametrize("value", ["Bad\x00name", "Bad\x07name", "Bad\x1bname"])
def test_control_characters_in_text_are_refused(tmp_path, value):
    files = _files_with_every_text_column()
    files["agencies"][0]["agency_name"] = value
    problem = refusal(load_bundle(write(tmp_path, files)), "GEN3")
    assert (problem.file, problem.line, problem.column) == ("agencies.csv", 2, "agency_name")
    assert "control character" in problem.message
    assert nothing_written()


@pytest.mark.parametrize(
    "file, column, value, message",
    [
        ("maltreatment_reports", "allegation_seq", "99999999999", "integer out of range"),
        ("maltreatment_reports", "allegation_seq", "1_000", "not an integer"),
        ("maltreatment_reports", "allegation_seq", "\u0661", "not an integer"),  # an Arabic-Indic one
        ("returned_cases", "cost_amount", "NaN", "not a decimal"),
        ("returned_cases", "cost_amount", "Infinity", "not a decimal"),
        ("returned_cases", "cost_amount", "1E+20", "not a decimal"),
        ("returned_cases", "cost_amount", "1000000000000", "too large"),
        ("returned_cases", "cost_amount", "999999999999.995", "too large"),  # rounds up past the column
        ("workers", "fte", "100", "too large"),
    ],
)
def test_numbers_the_database_cannot_store_are_refused(tmp_path, file, column, value, message):
    files = base()
    files[file][0][column] = value
    problem = refusal(load_bundle(write(tmp_path, files)), "GEN3")
    assert (problem.file, problem.line, problem.column, problem.value) == (f"{file}.csv", 2, column, value)
    assert problem.message.startswith(message)
    assert nothing_written()


def test_a_decimal_with_more_places_than_its_column_is_rounded_half_up(tmp_path):
    files = base()
    files["returned_cases"][0]["cost_amount"] = "1200.505"
    files["workers"][0]["fte"] = "0.00004"  # rounds to 0: then not more than 0 (WK3)
    result = load_bundle(write(tmp_path / "a", files))
    assert [(p.rule, p.value) for p in result.report.errors] == [("WK3", "0.0000")]
    files["workers"][0]["fte"] = "0.99995"
    assert load_bundle(write(tmp_path / "b", files)).status == "LOADED"
    assert models.ReturnedCase.objects.get().cost_amount == models.ReturnedCase._meta.get_field(
        "cost_amount"
    ).to_python("1200.51")
    assert str(models.WorkerPeriod.objects.get(worker_id="W1").fte) in ("1.0000", "1")


def test_a_date_after_2100_is_refused(tmp_path):
    files = base()
    files["manifest"] = [
        {"extract_id": "x", "schema_version": "1", "state": "MO", "as_of_date": "9999-12-31", "source_system": "F"}
    ]
    problem = refusal(load_bundle(write(tmp_path, files)), "GEN6")
    assert (problem.file, problem.column, problem.value) == ("manifest.csv", "as_of_date", "9999-12-31")
    assert nothing_written()


# --------------------------------------------------------------------------------------------
# Finding 9: zip member names
# --------------------------------------------------------------------------------------------


def _fake_manifest() -> bytes:
    return b"extract_id,schema_version,state,as_of_date,source_system\nevil,1,MO,2023-10-31,X\n"


@pytest.mark.parametrize(
    "extra, rule, named",
    [
        ({"sub/../../manifest.csv": _fake_manifest()}, "ZIP2", "sub/../../manifest.csv"),
        ({"/manifest.csv": _fake_manifest()}, "ZIP2", "/manifest.csv"),
        ({"..\\manifest.csv": _fake_manifest()}, "ZIP2", "..\\manifest.csv"),
        ({"C:/tmp/manifest.csv": _fake_manifest()}, "ZIP2", "C:/tmp/manifest.csv"),
        ({"other/manifest.csv": _fake_manifest()}, "ZIP1", "other/manifest.csv"),
        ({"MANIFEST.csv": _fake_manifest()}, "ZIP1", "MANIFEST.csv"),
        ({"manifest.csv": _fake_manifest()}, "ZIP1", "manifest.csv"),  # the very same name twice
    ],
)
def test_unsafe_or_colliding_member_names_refuse_the_bundle(tmp_path, extra, rule, named):
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    with pytest.warns(UserWarning) if "manifest.csv" in extra else _no_warning():
        archive = zipped(folder, tmp_path / "bundle.zip", extra)
    result = load_bundle(archive)
    problem = refusal(result, rule)
    assert problem.file == named and "refused" in problem.message
    assert nothing_written()


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_members_in_one_folder_still_load(tmp_path):
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    assert load_bundle(zipped(folder, tmp_path / "bundle.zip", prefix="extract/")).status == "LOADED"


# --------------------------------------------------------------------------------------------
# Finding 3: size, compression ratio, line length, stored problems
# --------------------------------------------------------------------------------------------


def test_a_bundle_over_the_size_limit_is_refused_before_reading(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_MB = 1
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    noise = "".join(f"{n},{n * 7919 % 100003}\n" for n in range(150_000)).encode()  # ~1.7 MB, compresses ~3:1
    archive = zipped(folder, tmp_path / "bundle.zip", {"notes.csv": noise})
    problem = refusal(load_bundle(archive), "LIM1")
    assert problem.file == "notes.csv"
    assert "more than the limit of 1 MB (METRICS_IMPORT_MAX_MB)" in problem.message
    assert nothing_written()


def test_a_directory_bundle_over_the_size_limit_is_refused(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_MB = 1
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    (folder / "notes.csv").write_bytes(b"a,b\n" * 400_000)
    problem = refusal(load_bundle(folder), "LIM1")
    assert problem.file == "notes.csv" and "METRICS_IMPORT_MAX_MB" in problem.message


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    """3 MB of NUL bytes deflate to about 3 KB: a ratio near 1000 against the default limit of 100."""
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    (folder / "children.csv").unlink()
    archive = zipped(folder, tmp_path / "bomb.zip", {"children.csv": b"\0" * 3_000_000})
    problem = refusal(load_bundle(archive), "LIM2")
    assert problem.file == "children.csv"
    assert "more than 100 times its compressed size (METRICS_IMPORT_MAX_RATIO)" in problem.message
    assert nothing_written()


def test_blank_lines_that_expand_a_small_zip_are_refused_by_the_ratio(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_RATIO = 50
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    children = (folder / "children.csv").read_bytes()
    (folder / "children.csv").unlink()
    archive = zipped(folder, tmp_path / "bundle.zip", {"children.csv": children + b"\n" * (2 * RATIO_FLOOR)})
    problem = refusal(load_bundle(archive), "LIM2")
    assert problem.file == "children.csv" and "50 times" in problem.message


def test_a_member_whose_header_understates_its_size_is_unreadable_not_trusted(tmp_path):
    """The zip's headers say 100 bytes for 3 MB of data: the member is read only as far as declared
    and its checksum fails, so it is reported unreadable; nothing is loaded."""
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    (folder / "hcy_exams.csv").unlink()
    archive = zipped(folder, tmp_path / "bundle.zip", {"hcy_exams.csv": b"exam_id\n" + b"X" * 3_000_000})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("hcy_exams.csv")
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # local header: uncompressed size
    for offset in _central_entries(bytes(data)):  # central directory: uncompressed size
        if data[offset + 46 : offset + 46 + len(b"hcy_exams.csv")] == b"hcy_exams.csv":
            struct.pack_into("<I", data, offset + 24, 100)
    archive.write_bytes(bytes(data))
    problem = refusal(load_bundle(archive), "FILE4")
    assert problem.file == "hcy_exams.csv" and "damaged" in problem.message
    assert nothing_written()


def _central_entries(data: bytes):
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        yield offset
        offset = data.find(b"PK\x01\x02", offset + 4)


def test_a_line_over_the_length_limit_is_refused_with_its_file_and_line(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_LINE_LENGTH = 1000
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    with open(folder / "children.csv", "a") as fh:
        fh.write("C2,2012-01-01," + "M" * 100_000 + "\n")
    problem = refusal(load_bundle(zipped(folder, tmp_path / "bundle.zip")), "LIM3")
    assert (problem.file, problem.line) == ("children.csv", 3)
    assert "line longer than 1,000 characters (METRICS_IMPORT_MAX_LINE_LENGTH)" in problem.message
    assert nothing_written()


def test_a_line_at_the_length_limit_loads(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_LINE_LENGTH = 1000
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    line = "C2,2012-01-01,,"
    with open(folder / "children.csv", "ab") as fh:
        fh.write((line + " " * (1000 - len(line)) + "\r\n").encode())
    result = load_bundle(folder)
    assert result.status == "LOADED", [str(p) for p in result.report.problems]
    assert models.Child.objects.filter(child_id="C2").exists()


def _bad_exams(n: int) -> list[dict]:
    return [
        {
            "exam_id": f"X{i}",
            "child_id": "C1",
            "exam_date": "2023-02-30",
            "exam_type": "HCY_FULL",
            "status": "COMPLETED",
        }
        for i in range(n)
    ]


def test_stored_problems_are_capped_and_the_rest_counted(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_PROBLEMS = 5
    folder = build(tmp_path / "b", removal_episodes=EPISODE, hcy_exams=_bad_exams(50))
    result = load_bundle(folder)
    assert result.status == "REJECTED"
    assert [(p.file, p.line, p.rule) for p in result.report.errors] == [
        ("hcy_exams.csv", n, "GEN3") for n in range(2, 7)
    ]
    assert result.report.summary().startswith("50 error(s), ")
    assert result.report.counts("ERROR") == {"GEN3": 50}
    lines = [line for line in result.report.to_csv().splitlines() if line.startswith("ERROR,")]
    assert len(lines) == 5 + 1
    assert lines[-1] == "ERROR,,,,,,… and 45 more errors not listed (the report keeps the first 5)"


def test_warning_counts_stay_exact_when_the_list_is_capped(tmp_path, settings):
    settings.METRICS_IMPORT_MAX_PROBLEMS = 3
    visits = [
        {
            "visit_id": f"V{i}",
            "child_id": "C1",
            "worker_id": "W1",
            "visit_date": "2022-06-01",  # before the removal: VC2
            "contact_mode": "IN_PERSON",
            "status": "COMPLETED",
        }
        for i in range(12)
    ]
    result = load_bundle(build(tmp_path, removal_episodes=EPISODE, worker_child_visits=visits))
    assert result.status == "LOADED"
    assert len([p for p in result.report.warnings if p.rule == "VC2"]) <= 3
    assert result.extract.warning_counts["VC2"] == 12
