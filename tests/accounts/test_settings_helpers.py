import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envchoice, envint, envlist, envstr


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False)]
)
def test_envbool_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("QA_FLAG", raw)
    assert envbool("QA_FLAG", default=not expected) is expected


def test_envbool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("QA_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="QA_FLAG must be a boolean"):
        envbool("QA_FLAG", default=False)


def test_envbool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("QA_FLAG", raising=False)
    assert envbool("QA_FLAG", default=True) is True


def test_envint_rejects_non_integers_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("QA_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="QA_N must be an integer, got 'ten'"):
        envint("QA_N", 3)
    monkeypatch.setenv("QA_N", "-1")
    with pytest.raises(ImproperlyConfigured, match="QA_N must be at least 0"):
        envint("QA_N", 3, minimum=0)
    monkeypatch.setenv("QA_N", "42")
    assert envint("QA_N", 3) == 42


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("QA_HOSTS", "qa.example.org, localhost,,")
    assert envlist("QA_HOSTS", []) == ["qa.example.org", "localhost"]


def test_envchoice_rejects_unknown(monkeypatch):
    monkeypatch.setenv("QA_MODE", "fast")
    with pytest.raises(ImproperlyConfigured, match="QA_MODE must be one of"):
        envchoice("QA_MODE", "slow", {"slow", "safe"})


def test_envstr_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("QA_SECRET_FILE", str(secret))
    assert envstr("QA_SECRET") == "s3cret"
    monkeypatch.setenv("QA_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="QA_SECRET_FILE: cannot read"):
        envstr("QA_SECRET")


def _settings_in_subprocess(env: dict) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    full = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full["DJANGO_SETTINGS_MODULE"] = "config.settings"
    full.update(env)
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_settings_refuse_to_start_without_secret_key_in_production():
    code, output = _settings_in_subprocess({"DEBUG": "false"})
    assert code != 0
    assert "SECRET_KEY must be set" in output


def test_settings_refuse_a_bad_database_url():
    code, output = _settings_in_subprocess({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"})
    assert code != 0
    assert "DATABASE_URL" in output


def test_check_deploy_is_clean_with_production_values():
    code, output = _settings_in_subprocess(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "-production-like-secret-with-enough-entropy-1234567890",
            "ALLOWED_HOSTS": "qa.example.org",
        }
    )
    assert code == 0, output


def test_survey_settings_come_from_the_environment():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        SURVEYS_MIN_CELL="7",
        SURVEYS_GUESS_LIMIT="4",
        SURVEYS_PUBLIC_BASE_URL="https://qa.example.org",
    )
    show = "from django.conf import settings as s; print(s.SURVEYS_MIN_CELL, s.SURVEYS_GUESS_LIMIT, s.SURVEYS_PUBLIC_BASE_URL)"
    proc = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.splitlines()[-1].split() == ["7", "4", "https://qa.example.org"], proc.stderr
    env["SURVEYS_MIN_CELL"] = "0"
    proc = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0 and "SURVEYS_MIN_CELL" in proc.stderr


@pytest.mark.parametrize(
    ("url", "max_age", "expected"),
    [
        ("postgres://u@db.example.org:5432/qa", None, "60 True"),  # persistent on PostgreSQL by default
        ("postgres://u@db.example.org:5432/qa", "0", "0 True"),
        ("postgresql://u@db.example.org/qa", "300", "300 True"),
        ("sqlite:///tmp-settings-test.sqlite3", None, "0 True"),  # SQLite: a connection per request
    ],
)
def test_database_connections_persist_on_postgresql_unless_set_otherwise(url, max_age, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DB_CONN_MAX_AGE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", DATABASE_URL=url)
    if max_age is not None:
        env["DB_CONN_MAX_AGE"] = max_age
    show = (
        "import django; from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    proc = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == expected, proc.stderr
