"""The benchmark helpers that run without pandas: measuring a process, and the raw COPY floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import import_vs_copy  # noqa: E402
import processes  # noqa: E402


def test_median_of_odd_and_even_counts():
    assert processes.median([3.0, 1.0, 2.0]) == 2.0
    assert processes.median([4.0, 1.0, 2.0, 3.0]) == 2.5


def test_run_measures_the_child_process():
    # Half a second of CPU in the child, 40 MB held: both show in wait4's rusage, not in ours.
    code = "import time; b = bytearray(40 * 2**20); t = time.process_time()\nwhile time.process_time() - t < 0.5: pass\nprint('done')"
    measured = processes.run([sys.executable, "-c", code])
    assert measured.output.strip() == "done"
    assert measured.cpu >= 0.5
    assert measured.wall >= measured.cpu * 0.9
    assert measured.peak_mb >= 40
    assert measured.backend_cpu is None


def test_run_refuses_a_failing_command():
    with pytest.raises(SystemExit, match="boom failed"):
        processes.run([sys.executable, "-c", "import sys; print('partial'); sys.exit(3)"], name="boom")


def test_proc_cpu_reads_this_process_and_nothing_for_a_missing_pid():
    assert processes.proc_cpu(__import__("os").getpid()) >= 0
    assert processes.proc_cpu(2**31 - 1) is None


def test_backend_watch_has_no_figure_without_postgresql():
    with processes.BackendWatch("sqlite:///x.sqlite3") as watch:
        pass
    assert watch.cpu is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL's COPY")
def test_copy_floor_loads_each_file_as_text_columns_from_its_header(tmp_path):
    (tmp_path / "children.csv").write_text('child_id,date_of_birth\nC1,2010-01-02\nC2,"2011-03-04"\n')
    (tmp_path / "agencies.csv").write_text('\ufeffagency_code,agency_name\nCD,"Children\'s Division, MO"\n')
    (tmp_path / "notes.txt").write_text("not a CSV file\n")
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    import_vs_copy.reset_copy_schema(url)
    result = import_vs_copy.copy_bundle(url, tmp_path)
    assert result["rows"] == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT child_id, date_of_birth FROM raw_copy.children ORDER BY 1")
        assert cursor.fetchall() == [("C1", "2010-01-02"), ("C2", "2011-03-04")]
        cursor.execute("SELECT agency_code, agency_name FROM raw_copy.agencies")
        assert cursor.fetchall() == [("CD", "Children's Division, MO")]
        cursor.execute(
            "SELECT table_name, string_agg(data_type, ',') FROM information_schema.columns"
            " WHERE table_schema = 'raw_copy' GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [("agencies", "text,text"), ("children", "text,text")]
        cursor.execute("DROP SCHEMA raw_copy CASCADE")
