"""What the benchmark scripts share: run a `manage.py` command as its own process and measure it.

`run_manage()` gives the process's wall time, CPU time (user + system) and peak resident memory from
`wait4`'s rusage, and on PostgreSQL (server on this machine) the CPU time of the server backends that
served it: `BackendWatch` polls `pg_stat_activity` for the backends connected to the benchmark's
database and reads each one's CPU counters from /proc while the command runs. A backend's last
`poll` seconds before it exits are missed (0.1 s by default), so that figure is a lower bound.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def libpq_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def ensure_database(url: str) -> None:
    """Create the database named in a PostgreSQL DATABASE_URL if it is missing."""
    if not url.startswith("postgres"):
        return
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = libpq_url(url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def proc_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by a process of this machine, None if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class BackendWatch:
    """CPU time of the PostgreSQL backends serving other clients of one database, while it runs.

    Used as a context manager around a command: every `poll` seconds it lists the backends of the
    database (not its own) and keeps each one's latest CPU reading; `.cpu` is their sum. Backends
    already connected when the watch starts are counted from their reading at that moment. Parallel
    workers appear as backends of the database too, but one living less than `poll` seconds can be
    missed entirely: the figure is a lower bound. None when the server's processes are not visible
    in this machine's /proc."""

    def __init__(self, url: str, poll: float = 0.1) -> None:
        self.url, self.poll = url, poll
        self.readings: dict[int, float] = {}
        self.baseline: dict[int, float] = {}
        self.available = url.startswith("postgres")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _pids(self, conn) -> list[int]:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        return [pid for (pid,) in rows]

    def _sample(self, conn) -> None:
        for pid in self._pids(conn):
            cpu = proc_cpu(pid)
            if cpu is not None:  # None: the backend exited since the listing (e.g. a parallel worker)
                self.readings[pid] = cpu

    def _loop(self, conn) -> None:
        while not self._stop.wait(self.poll):
            self._sample(conn)

    def __enter__(self) -> BackendWatch:
        if self.available:
            import psycopg

            self._conn = psycopg.connect(libpq_url(self.url), autocommit=True)
            own = self._conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            if proc_cpu(own) is None:  # the server runs elsewhere: no figure rather than a wrong one
                self.available = False
                self._conn.close()
                return self
            self._sample(self._conn)
            self.baseline = dict(self.readings)
            self._thread = threading.Thread(target=self._loop, args=(self._conn,), daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._conn.close()

    @property
    def cpu(self) -> float | None:
        if not self.available:
            return None
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self.readings.items())


@dataclass
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process (and its children)
    peak_mb: float  # peak resident memory of the process
    output: str  # its standard output
    backend_cpu: float | None = None  # PostgreSQL backends serving it (None: not measured)


def run(command: list[str], *, env: dict[str, str] | None = None, watch_url: str = "", name: str = "") -> Measured:
    """Run `command` from the project root as its own process; fail loudly if it fails."""
    watch = BackendWatch(watch_url) if watch_url else None
    started = time.perf_counter()
    with watch or contextlib.nullcontext():
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        output = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{name or command[0]} failed:\n{output[-2000:]}")
    return Measured(
        seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output, watch.cpu if watch else None
    )


def run_manage(*args: str, watch_url: str = "", name: str = "") -> Measured:
    """`manage.py <args>` with DEBUG=true and a size limit above any benchmark bundle.

    A million children is about 2.1 GB of CSV, above the import's default size limit (512 MB)."""
    env = {"METRICS_IMPORT_MAX_MB": "8192", **os.environ, "DEBUG": "true"}
    return run([PYTHON, "manage.py", *args], env=env, watch_url=watch_url, name=name or args[0])
