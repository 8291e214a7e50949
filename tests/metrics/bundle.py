"""Build small extract bundles for tests: give only the rows that matter, the rest is defaulted.

Defaults follow spec/metrics.md section 9: as_of_date 2023-10-31, every child under 18, every worker a
6ZA CASE_MANAGER, and every episode assigned (PRIMARY) to 6ZA, county 29095 (Jackson, circuit 16)
from removal on, unless the test gives that episode's assignments itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from metrics.extract.load import LoadResult, load_bundle
from metrics.extract.schema import BY_NAME, FILES

REFERENCE = Path(settings.BASE_DIR) / "accounts" / "data"


def reference_rows() -> dict[str, list[dict]]:
    with open(REFERENCE / "agencies.csv", newline="") as fh:
        agencies = [
            {
                "agency_code": r["code"],
                "agency_name": r["name"],
                "abbreviation": r["abbreviation"],
                "agency_type": "CD" if r["code"] == "CD" else "FCCM",
                "active_to": "2023-04-30" if r["code"] == "6ZT" else "",
                "successor_agency_code": "6ZV" if r["code"] == "6ZT" else "",
            }
            for r in csv.DictReader(fh)
        ]
    with open(REFERENCE / "missouri_counties.csv", newline="") as fh:
        counties = [
            {"county_fips": r["county_fips"], "county_name": r["county_name"], "circuit_code": r["judicial_circuit"]}
            for r in csv.DictReader(fh)
        ]
    circuits = [{"circuit_code": str(n), "circuit_name": f"Circuit {n}"} for n in range(1, 47)]
    return {"agencies.csv": agencies, "counties.csv": counties, "circuits.csv": circuits}


def write_csv(path: Path, name: str, rows: list[dict]) -> None:
    spec = BY_NAME[name]
    columns = [c.name for c in spec.columns]
    extra = [k for row in rows for k in row if k not in columns]
    with open(path / name, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns + list(dict.fromkeys(extra)), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def build(
    path: Path,
    *,
    as_of: str = "2023-10-31",
    extract_id: str = "test-extract",
    auto_assign: bool = True,
    auto_workers: bool = True,
    omit: tuple[str, ...] = (),
    **files: list[dict],
) -> Path:
    """Write a bundle into `path`; keyword names are file names without .csv."""
    path.mkdir(parents=True, exist_ok=True)
    data: dict[str, list[dict]] = {f"{k}.csv": v for k, v in files.items()}
    data.setdefault(
        "manifest.csv",
        [
            {
                "extract_id": extract_id,
                "schema_version": "1",
                "state": "MO",
                "as_of_date": as_of,
                "source_system": "FACES",
            }
        ],
    )
    for name, rows in reference_rows().items():
        data.setdefault(name, rows)
    episodes = data.get("removal_episodes.csv", [])
    children = data.setdefault("children.csv", [])
    known = {c["child_id"] for c in children}
    for ep in episodes:
        ep.setdefault("jurisdiction_county_fips", "29095")
        if ep["child_id"] not in known:
            children.append({"child_id": ep["child_id"], "date_of_birth": "2012-01-01"})
            known.add(ep["child_id"])
    if auto_assign:
        assignments = data.setdefault("worker_assignments.csv", [])
        assigned = {a["episode_id"] for a in assignments}
        for ep in episodes:
            if ep["episode_id"] not in assigned:
                assignments.append(
                    {
                        "assignment_id": f"A-{ep['episode_id']}",
                        "child_id": ep["child_id"],
                        "episode_id": ep["episode_id"],
                        "worker_id": "W1",
                        "assignment_role": "PRIMARY",
                        "agency_code": "6ZA",
                        "responsible_county_fips": "29095",
                        "start_date": ep["removal_date"],
                    }
                )
    if auto_workers:
        workers = data.setdefault("workers.csv", [])
        have = {w["worker_id"] for w in workers}
        referenced = [
            r["worker_id"]
            for name in (
                "worker_assignments.csv",
                "worker_child_visits.csv",
                "worker_parent_visits.csv",
                "trainings.csv",
            )
            for r in data.get(name, [])
        ]
        for worker_id in dict.fromkeys(referenced):
            if worker_id not in have:
                workers.append(
                    {
                        "worker_id": worker_id,
                        "period_start": "2010-01-01",
                        "role": "CASE_MANAGER",
                        "agency_code": "6ZA",
                        "office_county_fips": "29095",
                    }
                )
                have.add(worker_id)
    for spec in FILES:
        if spec.name in omit:
            continue
        if spec.name not in data and spec.optional:
            continue
        write_csv(path, spec.name, data.get(spec.name, []))
    return path


def load(path: Path, **files) -> LoadResult:
    result = load_bundle(build(path, **files))
    assert result.ok, "\n".join(str(p) for p in result.report.errors)
    return result
