"""The results version: a token the database replaces on every change to what the suppression pattern
counts (issue 14, survey results at 10,000 responses).

surveys.results caches the pattern (respondents per cell, answers per question and cell) under this
token. Triggers rather than Django signals, so that nothing can change the counted data without a
new token: bulk_create, QuerySet.update and .delete, imports, raw SQL, the admin.

What bumps the token (a new random value in row id 1):
- surveys_response: a row inserted, updated or deleted whose status is (or was) 'submitted';
- surveys_answer: a row inserted, updated or deleted whose response is (was) submitted;
- surveys_question: any update or delete (codes and kinds are what the pattern is keyed by);
- PostgreSQL: TRUNCATE of any of the three.

PostgreSQL: one trigger per statement, with transition tables (one bump per statement, however many
rows: a bulk import does not update the row once per answer). SQLite: one trigger per row, with
the same conditions. Other vendors: no triggers and no row, so nothing is cached.
"""

import secrets

from django.db import migrations, models

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION surveys_results_version_bump() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO surveys_results_version (id, token)
    VALUES (1, md5(random()::text || clock_timestamp()::text || txid_current()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
END $$;

CREATE OR REPLACE FUNCTION surveys_results_version_always() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM surveys_results_version_bump();
    RETURN NULL;
END $$;

-- Each transition table is read only in the branch of the events that have it (an expression
-- naming one the trigger lacks fails when planned).
CREATE OR REPLACE FUNCTION surveys_results_version_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE status = 'submitted') THEN
            PERFORM surveys_results_version_bump();
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM old_rows WHERE status = 'submitted') THEN
            PERFORM surveys_results_version_bump();
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION surveys_results_version_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM new_rows a JOIN surveys_response r ON r.id = a.response_id
                   WHERE r.status = 'submitted') THEN
            PERFORM surveys_results_version_bump();
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM old_rows a JOIN surveys_response r ON r.id = a.response_id
                   WHERE r.status = 'submitted') THEN
            PERFORM surveys_results_version_bump();
        END IF;
    END IF;
    RETURN NULL;
END $$;
"""


def _pg_triggers() -> list[str]:
    out = []
    for table, function in (("surveys_response", "responses"), ("surveys_answer", "answers")):
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            out.append(
                f"CREATE TRIGGER {table}_results_version_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION surveys_results_version_{function}()"
            )
    out.append(
        "CREATE TRIGGER surveys_question_results_version AFTER UPDATE OR DELETE ON surveys_question "
        "FOR EACH STATEMENT EXECUTE FUNCTION surveys_results_version_always()"
    )
    for table in ("surveys_response", "surveys_answer", "surveys_question"):
        out.append(
            f"CREATE TRIGGER {table}_results_version_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION surveys_results_version_always()"
        )
    return out


PG_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_results_version_{event} ON {table}"
        for table in ("surveys_response", "surveys_answer")
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP TRIGGER IF EXISTS surveys_question_results_version ON surveys_question",
    "DROP TRIGGER IF EXISTS surveys_question_results_version_truncate ON surveys_question",
    "DROP FUNCTION IF EXISTS surveys_results_version_answers()",
    "DROP FUNCTION IF EXISTS surveys_results_version_responses()",
    "DROP FUNCTION IF EXISTS surveys_results_version_always()",
    "DROP FUNCTION IF EXISTS surveys_results_version_bump()",
]

SQLITE_BUMP = "INSERT OR REPLACE INTO surveys_results_version (id, token) VALUES (1, lower(hex(randomblob(16))));"
SUBMITTED = "EXISTS (SELECT 1 FROM surveys_response WHERE id = {row}.response_id AND status = 'submitted')"
SQLITE_TRIGGERS = {
    "surveys_response_results_version_insert": ("INSERT", "surveys_response", "NEW.status = 'submitted'"),
    "surveys_response_results_version_update": (
        "UPDATE", "surveys_response", "OLD.status = 'submitted' OR NEW.status = 'submitted'"
    ),
    "surveys_response_results_version_delete": ("DELETE", "surveys_response", "OLD.status = 'submitted'"),
    "surveys_answer_results_version_insert": ("INSERT", "surveys_answer", SUBMITTED.format(row="NEW")),
    "surveys_answer_results_version_update": (
        "UPDATE", "surveys_answer", f"{SUBMITTED.format(row='OLD')} OR {SUBMITTED.format(row='NEW')}"
    ),
    "surveys_answer_results_version_delete": ("DELETE", "surveys_answer", SUBMITTED.format(row="OLD")),
    "surveys_question_results_version_update": ("UPDATE", "surveys_question", "1"),
    "surveys_question_results_version_delete": ("DELETE", "surveys_question", "1"),
}  # fmt: skip


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTIONS)
        for statement in _pg_triggers():
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for name, (event, table, when) in SQLITE_TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW WHEN {when} BEGIN {SQLITE_BUMP} END"
            )
    else:
        return  # no triggers: no row either, so surveys.results never caches
    # Random from the start: two databases (a copy, a test database) never share a token.
    apps.get_model("surveys", "ResultsVersion").objects.create(id=1, token=secrets.token_hex(16))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0005_guess_allowance"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=64)),
            ],
            options={"db_table": "surveys_results_version"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
