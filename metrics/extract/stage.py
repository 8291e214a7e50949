"""PostgreSQL: the streamed files checked and written in set-based SQL (issue 14).

The Python path (`load.StreamedChecks` and `load._reread`) reads every row of the streamed files
(parents, restrictions, visits, exams, the optional files: about 70 % of a bundle's rows) twice in
Python. Here each file is sent as it is by `COPY` into a temporary table of physical lines (the
`line` identity column is the line number `read_rows` reports), split and typed once by
`CREATE TEMP TABLE ... AS SELECT`, checked by one query per rule that inserts the offending lines into
a problems table, and, when the bundle has no error, written to the real tables by `INSERT ... SELECT`.

The report is the Python path's, problem for problem: the problems of a file are ordered by line, then
as `read_rows` and `StreamedChecks` find them within a line (values in header order, empty required
values, duplicate key, foreign keys, dates, the file's rules); only the first `report.limit` of each
severity are fetched, the others are counted. GEN3 messages are made by `load._parse_value` from the
cell itself.

A file is staged only when it is *plain*: no double quote, backslash, NUL, \\x01 or \\x02 byte (found in
the checksum pass). Then a CSV line is a physical line split at commas, which is what Python's csv
reader gives; anything else (quoted fields, a quoted line break that shifts line numbers, PostgreSQL's
`\\.` end marker) makes the whole streamed part go through Python, as does any `COPY` error (mixed line
ends), a line over the length limits, a duplicated column in a header or a worker period without a
role (the VC3 lookup order). Nothing is reported before the staged checks have all run, so the
fall-back never reports twice.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from dataclasses import dataclass
from datetime import date

import psycopg
from django.db import DatabaseError, connection, transaction

from metrics import models
from metrics.extract.report import ERROR, WARNING, ImportReport
from metrics.extract.schema import BY_NAME, ID_LENGTH, FileSpec

# Python's str.strip() removes exactly these characters.
WHITESPACE = "".join(chr(i) for i in range(0x110000) if chr(i).isspace())
ID_PATTERN = rf"^[A-Za-z0-9_.\-]{{1,{ID_LENGTH}}}$"
CONTROL_PATTERN = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"

NO_KEY = "\x01"  # stands for a missing id in lookups (dict.get(None) in the Python path)

log = logging.getLogger(__name__)

FK_RULES = {("worker_child_visits.csv", "worker_id"): "VC1", ("worker_parent_visits.csv", "parent_id"): "VP1"}

# seq of a problem within its line, in the order the Python path finds them
GEN3_SEQ, GEN4_SEQ, GEN1_SEQ, FK_SEQ, DATE_SEQ, RULE_SEQ = 0, 1000, 2000, 3000, 4000, 5000


class Unstageable(Exception):
    """The bundle (or this database) cannot take the staged path: the Python path checks it."""


def stem(name: str) -> str:
    return name.removesuffix(".csv")


def raw_table(name: str) -> str:
    return f"stg_r_{stem(name)}"


def typed_table(name: str) -> str:
    return f"stg_t_{stem(name)}"


@dataclass
class Staged:
    """What the staged checks leave for the write: the files staged, in STREAMED order."""

    names: list[str]


def _execute(sql: str, params=None) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    log.debug("%.2f s %s", time.perf_counter() - started, sql[:150])


def _fetch(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def drop_all() -> None:
    """Drop every staging table of this session (they are temporary: also gone when it ends)."""
    rows = _fetch(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() "
        "AND c.relkind = 'r' AND c.relname LIKE 'stg\\_%%'"
    )
    for (relname,) in rows:
        _execute(f"DROP TABLE IF EXISTS pg_temp.{relname}")


# --------------------------------------------------------------------------------------------
# Staging and checks
# --------------------------------------------------------------------------------------------


def check(bundle, report: ImportReport, as_of: date | None, streamed: tuple[str, ...]) -> Staged:
    """Stage and check the streamed files; add their problems to `report` and their row counts to
    `bundle.counts`. Raises Unstageable (having reported nothing) when the Python path must do it."""
    for name in streamed:
        if name in bundle.sources and name not in bundle.plain:
            raise Unstageable(f"{name} is not plain CSV")
    drop_all()
    try:
        with transaction.atomic():
            # JIT compiles every large query again (about 1 s each here), for no gain on these scans
            _execute("SET LOCAL jit = off")
            headers = _stage(bundle, streamed)
            _kept(bundle)
            _problems(bundle, as_of, streamed, headers)
            counts = dict(_fetch(_count_sql(streamed)))
    except Unstageable:
        drop_all()
        raise
    except (DatabaseError, psycopg.Error) as exc:  # a COPY the server refused (mixed line ends ...)
        drop_all()
        raise Unstageable(str(exc)) from exc
    for name in streamed:
        bundle.counts[name] = counts.get(name, 0)
    _emit(report, streamed, headers)
    return Staged(list(streamed))


def _count_sql(streamed) -> str:
    return " UNION ALL ".join(f"SELECT {_literal(n)}, count(*) FROM {typed_table(n)}" for n in streamed)


def _header(bundle, spec: FileSpec, limit: int) -> tuple[list[str] | None, list[tuple]]:
    """(header, problems of the header line) as read_rows finds them; None: no source or empty file."""
    opener = bundle.sources.get(spec.name)
    if opener is None:
        return [c.name for c in spec.columns], []
    with opener() as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        first = text.readline(limit + 2)
    if first == "":
        return None, [(ERROR, spec.name, 1, "", "", "FILE5", "empty file: a header row is required")]
    header = next(csv.reader([first]), [])
    if len(set(header)) != len(header):
        raise Unstageable(f"{spec.name}: a column appears twice in the header")
    problems = []
    names = {c.name for c in spec.columns}
    for column in spec.columns:
        if column.name not in header and column.required:
            problems.append((ERROR, spec.name, 1, column.name, "", "GEN4", "required column missing from the header"))
    for extra in header:
        if extra not in names:
            problems.append((WARNING, spec.name, 1, extra, "", "GEN7", "unknown column, ignored"))
    return header, problems


def _stage(bundle, streamed) -> dict[str, tuple[list[str] | None, list[tuple]]]:
    """COPY each streamed file into its lines table, then split and type it (stg_t_*)."""
    limit = bundle.limits.max_line if bundle.limits else 1 << 30
    limit = min(limit, csv.field_size_limit())
    _execute(
        """CREATE OR REPLACE FUNCTION pg_temp.stg_date(t text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
          CASE WHEN substr(t, 1, 4) <> '0000' AND substr(t, 6, 2) BETWEEN '01' AND '12'
                AND substr(t, 9, 2) BETWEEN '01' AND '31' THEN
            CASE WHEN substr(t, 9, 2) <= '28' OR substr(t, 9, 2)::int <= extract(day from
                (make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1) + interval '1 month - 1 day'))
            THEN t::date END END END $$"""
    )
    _execute(
        "CREATE TEMP TABLE stg_calendar AS SELECT to_char(d, 'YYYY-MM-DD') COLLATE \"C\" AS s, d::date AS d "
        "FROM generate_series(DATE '1900-01-01', DATE '2200-12-31', interval '1 day') d"
    )
    _execute("ANALYZE stg_calendar")
    headers = {}
    for name in streamed:
        spec = BY_NAME[name]
        header, problems = _header(bundle, spec, limit)
        headers[name] = (header, problems)
        table = raw_table(name)
        _execute(f"CREATE TEMP TABLE {table} (line bigint GENERATED ALWAYS AS IDENTITY, l text)")
        opener = bundle.sources.get(name)
        if opener is not None and header is not None:
            with connection.cursor() as cursor, opener() as binary:
                with cursor.connection.cursor().copy(
                    f"COPY {table} (l) FROM STDIN (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
                ) as copy:
                    while chunk := binary.read(1 << 20):
                        copy.write(chunk)
            (longest,) = _fetch(f"SELECT coalesce(max(char_length(l)), 0) FROM {table}")[0]
            if longest > limit:
                raise Unstageable(f"{name}: a line longer than {limit} characters")
        _type(spec, header or [c.name for c in spec.columns], header is not None, name in bundle.simple)
    return headers


def _value_sql(column, x: str, n: int) -> str:
    """SQL of the typed value (NULL: empty or not valid) of the stripped cell `x` (text, '' when empty).

    Regular expressions are kept simple: PostgreSQL's bounded repetitions ({1,64}) cost about 10 µs a
    cell. Dates are looked up in stg_calendar (1900-2200, as text), the rest through stg_date."""
    kind = column.type
    if kind == "id":
        return f"CASE WHEN {x} ~ '^[A-Za-z0-9_.\\-]+$' AND char_length({x}) <= {ID_LENGTH} THEN {x} END"
    if kind in ("code", "yn"):
        codes = ", ".join(_literal(c) for c in column.codes)
        return f"CASE WHEN {x} IN ({codes}) THEN {x} END"
    if kind == "date":
        return f"CASE WHEN {x} = '' THEN NULL WHEN k{n}.d IS NOT NULL THEN k{n}.d ELSE pg_temp.stg_date({x}) END"
    if kind == "text":
        length = column.max_length or (1 << 30)
        return f"CASE WHEN char_length({x}) <= {length} AND {x} !~ %(control)s THEN nullif({x}, '') END"
    raise Unstageable(f"column type {kind} is not staged")


def _type(spec: FileSpec, header: list[str], present: bool, simple: bool) -> None:
    """stg_t_<file>: line, each declared column typed (NULL: empty or bad) and `bad`, a bit per
    declared column whose value is not valid.

    A simple file (printable ASCII only) has no whitespace but spaces for str.strip() to remove."""
    where = {h: i + 1 for i, h in enumerate(header)}
    cells, values, outer, bads, joins = [], [], [], [], []
    for n, column in enumerate(spec.columns):
        x = f"x{n}"
        position = where.get(column.name)
        strip = f"btrim(a[{position}])" if simple else f"btrim(a[{position}], %(ws)s)"
        cells.append(f"coalesce({strip}, '') AS {x}" if position else f"''::text AS {x}")
        collate = ' COLLATE "C"' if column.type != "date" else ""
        values.append(f"({_value_sql(column, x, n)}){collate} AS v{n}, {x}")
        if column.type == "date":
            joins.append(f"LEFT JOIN stg_calendar k{n} ON k{n}.s = c.{x}")
        outer.append(f"v{n} AS {column.name}")
        bads.append(f"CASE WHEN {x} <> '' AND v{n} IS NULL THEN {1 << n} ELSE 0 END")
    source = f"SELECT line, string_to_array(l, ',') AS a FROM {raw_table(spec.name)} WHERE line > 1 AND l IS NOT NULL"
    if not present:
        source += " AND false"
    source += " OFFSET 0"  # string_to_array once per line, not once per cell
    sql = (
        f"CREATE TEMP TABLE {typed_table(spec.name)} AS SELECT line, {', '.join(outer)}, ({' | '.join(bads)}) AS bad "
        f"FROM (SELECT c.line, {', '.join(values)} FROM (SELECT line, {', '.join(cells)} FROM ({source}) s OFFSET 0) c "
        f"{' '.join(joins)} OFFSET 0) v"
    )
    _execute(sql, {"ws": WHITESPACE, "control": CONTROL_PATTERN})
    _execute(f"ANALYZE {typed_table(spec.name)}")


def _kept(bundle) -> None:
    """The kept files' rows the streamed rules look up, in file order (`ord`)."""
    _execute('CREATE TEMP TABLE stg_k_children (child_id text COLLATE "C", dob date, ord int)')
    _copy_rows(
        "stg_k_children",
        ["child_id", "dob", "ord"],
        ((r["child_id"], r["date_of_birth"], i) for i, r in enumerate(bundle.rows("children.csv"))),
    )
    # dob.get(child_id): the last row of a child id wins; a missing id is a key too
    _execute(
        'CREATE TEMP TABLE stg_k_dob AS SELECT DISTINCT ON (ckey) coalesce(child_id, %s) COLLATE "C" AS ckey, dob '
        "FROM stg_k_children ORDER BY ckey, ord DESC",
        [NO_KEY],
    )
    _execute(
        'CREATE TEMP TABLE stg_k_episodes (ckey text COLLATE "C", episode_id text COLLATE "C", '
        "removal_date date, discharge_date date, ord int)"
    )
    _copy_rows(
        "stg_k_episodes",
        ["ckey", "episode_id", "removal_date", "discharge_date", "ord"],
        (
            (r["child_id"] or NO_KEY, r["episode_id"], r["removal_date"], r["discharge_date"], i)
            for i, r in enumerate(bundle.rows("removal_episodes.csv"))
        ),
    )
    _execute("CREATE INDEX ON stg_k_episodes (ckey)")
    _execute(
        'CREATE TEMP TABLE stg_k_workers (worker_id text COLLATE "C", wkey text COLLATE "C", '
        "period_start date, period_end date, role text, ord int)"
    )
    workers = bundle.rows("workers.csv")
    if any(w["period_start"] and w["role"] is None for w in workers):
        raise Unstageable("a worker period without a role")
    _copy_rows(
        "stg_k_workers",
        ["worker_id", "wkey", "period_start", "period_end", "role", "ord"],
        (
            (w["worker_id"], w["worker_id"] or NO_KEY, w["period_start"], w["period_end"], w["role"], i)
            for i, w in enumerate(workers)
        ),
    )
    for table in ("stg_k_children", "stg_k_dob", "stg_k_episodes", "stg_k_workers"):
        _execute(f"ANALYZE {table}")


def _problems(bundle, as_of: date | None, streamed, headers) -> None:
    """stg_problems: every problem of the streamed rows (not the headers), one query per rule."""
    _execute(
        "CREATE TEMP TABLE stg_problems (file text, line bigint, seq int, sub int, severity text, "
        "col text, val text, rule text, message text)"
    )
    for name in streamed:
        spec = BY_NAME[name]
        header = headers[name][0] or []
        t = typed_table(name)
        insert = "INSERT INTO stg_problems (file, line, seq, sub, severity, col, val, rule, message) "
        lit = _literal
        # GEN3 (values in header order) and GEN4 (empty required values, spec order)
        index = {c.name: n for n, c in enumerate(spec.columns)}
        in_header = [(p, index[h]) for p, h in enumerate(header) if h in index]
        parts = [
            f"SELECT line, {GEN3_SEQ + p}, 'ERROR', {lit(h)}, NULL, 'GEN3', NULL FROM {t} WHERE bad & {1 << index[h]} <> 0"
            for p, h in enumerate(header)
            if h in index
        ]
        required = [(n, c) for n, c in enumerate(spec.columns) if c.required]
        for k, (n, column) in enumerate(required):
            earlier_set = " AND ".join(f"{c.name} IS NOT NULL" for _, c in required[:k]) or "true"
            after = (
                [m for p, m in in_header if p > _position(in_header, n)] if _position(in_header, n) is not None else []
            )
            after_mask = sum(1 << m for m in after)
            last_bad = f"(bad & {1 << n} <> 0 AND bad & {after_mask} = 0)"
            parts.append(
                f"SELECT line, {GEN4_SEQ + n}, 'ERROR', {lit(column.name)}, '', 'GEN4', 'required value is empty' FROM {t} "
                f"WHERE {column.name} IS NULL AND NOT ({earlier_set} AND {last_bad})"
            )
        # GEN1: duplicate keys after their first line
        keys = list(spec.pk)
        shown = keys[0] if len(keys) == 1 else " || '|' || ".join(keys)
        parts.append(
            f"SELECT line, {GEN1_SEQ}, 'ERROR', {lit(','.join(keys))}, shown, 'GEN1', 'duplicate key' FROM ("
            f"SELECT line, {shown} AS shown, row_number() OVER (PARTITION BY {', '.join(keys)} ORDER BY line) AS rn "
            f"FROM {t} WHERE {' AND '.join(f'{k} IS NOT NULL' for k in keys)}) d WHERE rn > 1"
        )
        _execute(
            insert
            + "SELECT %s, line, seq, 0, sev, col, val, rule, message FROM ("
            + " UNION ALL ".join(parts)
            + ") p (line, seq, sev, col, val, rule, message)",
            [name],
        )
        # foreign keys (GEN2, VC1, VP1)
        for n, column in enumerate(spec.columns):
            if not column.fk:
                continue
            target_file, target_column = column.fk
            if target_file == "children.csv":
                target = "SELECT child_id AS id FROM stg_k_children"
            elif target_file == "workers.csv":
                target = "SELECT worker_id AS id FROM stg_k_workers"
            elif target_file == "removal_episodes.csv":
                target = "SELECT episode_id AS id FROM stg_k_episodes"
            elif target_file == "parents.csv":
                target = f"SELECT parent_id AS id FROM {typed_table('parents.csv')}"
            else:
                raise Unstageable(f"foreign key to {target_file} is not staged")
            rule = FK_RULES.get((name, column.name), "GEN2")
            _execute(
                insert + f"SELECT %s, line, {FK_SEQ + n}, 0, 'ERROR', %s, {column.name}, %s, %s FROM {t} "
                f"WHERE {column.name} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM ({target}) k WHERE k.id = {t}.{column.name})",
                [name, column.name, rule, f"not found in {target_file} {target_column}"],
            )
        # dates: GEN6 then GEN5, column by column
        for n, column in enumerate(spec.columns):
            if column.type != "date":
                continue
            c = column.name
            _execute(
                insert + f"SELECT %s, line, {DATE_SEQ + 2 * n}, 0, 'ERROR', %s, to_char({c}, 'YYYY-MM-DD'), 'GEN6', "
                f"'date outside 1990-01-01 to 2100-12-31' FROM {t} WHERE {c} < '1990-01-01' OR {c} > '2100-12-31'",
                [name, c],
            )
            if as_of:
                _execute(
                    insert + f"SELECT %s, line, {DATE_SEQ + 2 * n + 1}, 0, 'ERROR', %s, to_char({c}, 'YYYY-MM-DD'), "
                    f"'GEN5', %s FROM {t} WHERE {c} > %s",
                    [name, c, f"date after as_of_date {as_of}", as_of],
                )
        rule = FILE_RULES.get(name)
        if rule:
            for sql in rule(t):
                _execute(insert + sql, [name])


def _position(in_header: list[tuple[int, int]], n: int) -> int | None:
    for p, m in in_header:
        if m == n:
            return p
    return None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


DOB = f"(SELECT dob FROM stg_k_dob k WHERE k.ckey = coalesce(t.child_id, '{NO_KEY}'))"


def _parents_rules(t: str) -> list[str]:
    return [
        f"SELECT %s, line, {RULE_SEQ}, 0, 'ERROR', 'tpr_date', to_char(tpr_date, 'YYYY-MM-DD'), 'PA1', "
        f"'before the child''s birth ' || to_char(b.dob, 'YYYY-MM-DD') FROM {t} t "
        f"JOIN stg_k_dob b ON b.ckey = coalesce(t.child_id, '{NO_KEY}') WHERE t.tpr_date < b.dob",
        f"SELECT %s, line, {RULE_SEQ + 1}, 0, 'WARNING', 'relationship', 'BIRTH_MOTHER', 'PA2', "
        f"'more than one birth mother' FROM (SELECT line, row_number() OVER (PARTITION BY child_id ORDER BY line) AS rn "
        f"FROM {t} WHERE relationship = 'BIRTH_MOTHER') m WHERE rn = 2",
    ]


def _child_visit_rules(t: str) -> list[str]:
    return [
        f"SELECT %s, line, {RULE_SEQ}, 0, 'WARNING', 'visit_date', to_char(visit_date, 'YYYY-MM-DD'), 'VC2', "
        f"'outside every episode of the child: ignored' FROM {t} t WHERE visit_date IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM stg_k_episodes e WHERE e.ckey = coalesce(t.child_id, '{NO_KEY}') "
        "AND e.removal_date <= t.visit_date AND (e.discharge_date IS NULL OR t.visit_date <= e.discharge_date))",
        f"SELECT %s, line, {RULE_SEQ + 1}, 0, 'WARNING', 'visit_date', to_char(visit_date, 'YYYY-MM-DD'), 'VC3', "
        f"'worker not active on the visit date' FROM {t} t WHERE visit_date IS NOT NULL AND EXISTS ("
        f"SELECT 1 FROM stg_k_workers w WHERE w.wkey = coalesce(t.worker_id, '{NO_KEY}') "
        "AND w.period_start IS NOT NULL) AND NOT EXISTS ("
        f"SELECT 1 FROM stg_k_workers w WHERE w.wkey = coalesce(t.worker_id, '{NO_KEY}') "
        "AND w.period_start <= t.visit_date AND (w.period_end IS NULL OR t.visit_date <= w.period_end))",
    ]


def _parent_child_visit_rules(t: str) -> list[str]:
    p = typed_table("parents.csv")
    return [
        f"SELECT %s, line, {RULE_SEQ}, 0, 'ERROR', 'parent_id', parent_id, 'PV1', "
        f"'no parents.csv row for parent ' || parent_id || ' and child ' || child_id FROM {t} t "
        f"WHERE parent_id IS NOT NULL AND child_id IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM {p} p WHERE p.parent_id = t.parent_id AND p.child_id = t.child_id)"
    ]


def _hcy_rules(t: str) -> list[str]:
    return [
        f"SELECT %s, line, {RULE_SEQ}, 0, 'ERROR', 'exam_date', to_char(exam_date, 'YYYY-MM-DD'), 'HE1', "
        f"'before the date of birth ' || to_char(b.dob, 'YYYY-MM-DD') FROM {t} t "
        f"JOIN stg_k_dob b ON b.ckey = coalesce(t.child_id, '{NO_KEY}') WHERE t.exam_date < b.dob",
        f"SELECT %s, line, {RULE_SEQ + 1}, e.ord, 'WARNING', 'exam_date', to_char(exam_date, 'YYYY-MM-DD'), 'HE2', "
        f"'within 30 days before the removal ' || to_char(e.removal_date, 'YYYY-MM-DD') FROM {t} t "
        f"JOIN stg_k_episodes e ON e.ckey = coalesce(t.child_id, '{NO_KEY}') WHERE t.exam_type = 'HCY_FULL' "
        "AND e.removal_date - t.exam_date > 0 AND e.removal_date - t.exam_date <= 30",
    ]


FILE_RULES = {
    "parents.csv": _parents_rules,
    "worker_child_visits.csv": _child_visit_rules,
    "parent_child_visits.csv": _parent_child_visit_rules,
    "hcy_exams.csv": _hcy_rules,
}


def _emit(report: ImportReport, streamed, headers) -> None:
    """Add the problems to the report in the Python path's order: per file, the header's, then the
    rows' by (line, seq, sub); beyond the limit of a severity only counted."""
    from metrics.extract.load import _parse_value

    for name in streamed:
        spec = BY_NAME[name]
        for problem in headers[name][1]:
            report.add(*problem)
        header = headers[name][0] or []
        totals = _fetch(
            "SELECT severity, rule, count(*) FROM stg_problems WHERE file = %s GROUP BY 1, 2 ORDER BY 1, 2", [name]
        )
        if not totals:
            continue
        listed: list[tuple] = []
        for severity in (ERROR, WARNING):
            room = None if report.limit is None else max(0, report.limit - report.totals[severity])
            if room == 0:
                continue
            listed += _fetch(
                f"SELECT p.line, p.seq, p.sub, p.severity, p.col, p.val, p.rule, p.message, r.l FROM stg_problems p "
                f"LEFT JOIN {raw_table(name)} r ON p.rule = 'GEN3' AND r.line = p.line "
                "WHERE p.file = %s AND p.severity = %s ORDER BY p.line, p.seq, p.sub"
                + ("" if room is None else f" LIMIT {room}"),
                [name, severity],
            )
        listed.sort(key=lambda p: (p[0], p[1], p[2]))
        shown: dict[tuple[str, str], int] = {}
        for line, seq, _sub, severity, col, val, rule, message, raw in listed:
            if rule == "GEN3":
                cells = raw.split(",")
                position = seq - GEN3_SEQ
                val = cells[position].strip() if position < len(cells) else ""
                _, message = _parse_value(spec.column(header[position]), val)
            report.add(severity, name, line, col, val, rule, message)
            shown[(severity, rule)] = shown.get((severity, rule), 0) + 1
        for severity, rule, n in totals:
            more = n - shown.get((severity, rule), 0)
            if more:
                report.tally(severity, rule, more)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

MODEL_FILES = {
    "WorkerChildVisit": "worker_child_visits.csv",
    "WorkerParentVisit": "worker_parent_visits.csv",
    "ParentLink": "parents.csv",
    "ParentRestriction": "parent_restrictions.csv",
    "ParentChildVisit": "parent_child_visits.csv",
    "HcyExam": "hcy_exams.csv",
    "CasePlan": "case_plans.csv",
    "OlderYouthService": "older_youth_services.csv",
    "EducationRecord": "education_records.csv",
}

ORDINAL = "({d} - DATE '0001-01-01' + 1)"  # date.toordinal()


def prepare_write(derivation) -> None:
    """stg_k_roles: each worker's role by day, as `load._worker_role` finds it for a valid bundle
    (periods sorted and not overlapping): the last period started on or before the day, else the
    worker's last period."""
    _execute("SET LOCAL jit = off")
    _execute("DROP TABLE IF EXISTS stg_k_roles")
    _execute('CREATE TEMP TABLE stg_k_roles (worker_id text COLLATE "C", lo date, hi date, role text)')

    def spans():
        for worker_id, periods in derivation.workers.items():
            if not periods:
                continue
            yield worker_id, None, periods[0]["period_start"], periods[-1]["role"]
            for i, p in enumerate(periods):
                hi = periods[i + 1]["period_start"] if i + 1 < len(periods) else None
                yield worker_id, p["period_start"], hi, p["role"]

    _copy_rows("stg_k_roles", ["worker_id", "lo", "hi", "role"], spans())
    _execute("ANALYZE stg_k_roles")
    # stg_k_epwin: the days on which each episode is the one `Derivation.episode_on` finds: the first
    # episode of the child in file order covering the day. Without an error (EP5) episodes of a child
    # meet on a boundary day at most, so an episode loses only its first or last day to an earlier one.
    _execute("DROP TABLE IF EXISTS stg_k_epwin")
    _execute('CREATE TEMP TABLE stg_k_epwin (ckey text COLLATE "C", episode_id text, lo date, hi date)')

    def windows():
        for child_id, episodes in derivation.child_episodes.items():
            for i, ep in enumerate(episodes):
                lo, hi = ep.removal_day, ep.discharge_day
                earlier = episodes[:i]
                if any(_covers(e, lo) for e in earlier):
                    lo += 1
                if hi is not None and any(_covers(e, hi) for e in earlier):
                    hi -= 1
                if hi is not None and lo > hi:
                    continue
                yield child_id, ep.episode_id, date.fromordinal(lo), date.fromordinal(hi) if hi is not None else None

    _copy_rows("stg_k_epwin", ["ckey", "episode_id", "lo", "hi"], windows())
    _execute("ANALYZE stg_k_epwin")


def _covers(ep, day: int) -> bool:
    return ep.removal_day <= day and (ep.discharge_day is None or day <= ep.discharge_day)


ROLE = "coalesce(r.role, '')"
ROLE_JOIN = (
    "LEFT JOIN stg_k_roles r ON r.worker_id = t.worker_id "
    "AND (r.lo IS NULL OR r.lo <= t.visit_date) AND (r.hi IS NULL OR t.visit_date < r.hi)"
)
EPISODE = "coalesce(w.episode_id, '')"
EPISODE_JOIN = (
    "LEFT JOIN stg_k_epwin w ON w.ckey = t.child_id AND w.lo <= t.visit_date AND (w.hi IS NULL OR t.visit_date <= w.hi)"
)


def write(model_name: str, secondary_indexes) -> None:
    """Replace the model's table with the staged file's rows (and derived columns), in file order."""
    model = getattr(models, model_name)
    spec = BY_NAME[MODEL_FILES[model_name]]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    declared = {c.name: c for c in spec.columns}
    derived = {
        "worker_role": ROLE,
        "episode_id": EPISODE,
        "exam_day": ORDINAL.format(d="t.exam_date"),
        "completed_day": ORDINAL.format(d="t.completed_date"),
        "service_day": ORDINAL.format(d="t.service_date"),
    }
    expressions = []
    for f in fields:
        column = declared.get(f.name)
        if column is not None:
            expressions.append(f"coalesce(t.{f.name}, '')" if column.type != "date" else f"t.{f.name}")
        elif derived.get(f.name):
            expressions.append(derived[f.name])
        else:
            expressions.append("NULL")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    indexes = secondary_indexes(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        join = ROLE_JOIN if any(f.name == "worker_role" for f in fields) else ""
        if model_name == "WorkerChildVisit":
            join += " " + EPISODE_JOIN
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {', '.join(expressions)} "
            f"FROM {typed_table(spec.name)} t {join} ORDER BY t.line"
        )
        for _, definition in indexes:
            cursor.execute(definition)
