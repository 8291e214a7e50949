"""Synthetic extract bundles: valid, realistic, deterministic (same seed, same bytes), any size.

Children are generated one at a time and their rows streamed straight to the CSV files, so memory
stays flat from 100 to 1,000,000 children. Rates follow the seed's reported figures roughly: about
92% of children seen monthly, parent/child visits around 15%, worker/parent visits around 30%, HCY
exams on time around 60%, re-entries around 5%, moves between agencies, trial home visits before
reunification, parents with TPR before adoption and occasional no-contact orders. Every active
agency has children: each county's FCCM agency by judicial circuit, CD, and the specialized
contract (6AW) with a share of the referrals statewide.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from metrics.dates import add_months
from metrics.extract.schema import FILES

FCCM_ACTIVE = ["6ZA", "6ZB", "6ZC", "6ZJ", "6ZK", "6ZL", "6ZM", "6ZO", "6ZR", "6ZS", "6ZV"]
# The specialized contract (MACF, 6AW) serves no county of its own: it takes a share of the referrals
# anywhere in the state, so it has children, workers and figures like the others.
SPECIALIZED = "6AW"
SPECIALIZED_SHARE = 0.06
SETTINGS = ["FFH_NONREL"] * 45 + ["FFH_REL"] * 30 + ["GROUP_HOME"] * 6 + ["RESIDENTIAL"] * 5 + ["QRTP"] * 3
SETTINGS += ["SHELTER"] * 3 + ["PRE_ADOPT"] * 5 + ["SIL"] * 3
# Children's Division region of each judicial circuit, written on circuits.csv and counties.csv so the
# regional permanency goals have regions to apply to. A geographic approximation for synthetic data,
# not an official list (spec Q14 asks the Response and Evaluation Team for the regions and goals).
REGION_CIRCUITS = {
    "Kansas City": [16],
    "St. Louis": [21, 22],
    "Northwest": [3, 4, 5, 6, 7, 8, 15, 17, 18, 27, 43],
    "Northeast": [1, 2, 9, 10, 11, 12, 13, 14, 19, 41, 45],
    "Southwest": [25, 26, 28, 29, 30, 31, 38, 39, 40, 44, 46],
    "Southeast": [20, 23, 24, 32, 33, 34, 35, 36, 37, 42],
}
CIRCUIT_REGION = {str(c): region for region, circuits in REGION_CIRCUITS.items() for c in circuits}
HOLIDAY_DAYS = [(1, 1, "New Year's Day"), (7, 4, "Independence Day"), (11, 11, "Veterans Day"), (12, 25, "Christmas")]


def _reference() -> tuple[list[dict], list[dict], list[dict]]:
    data = Path(settings.BASE_DIR) / "accounts" / "data"
    with open(data / "agencies.csv", newline="") as fh:
        agencies = list(csv.DictReader(fh))
    with open(data / "missouri_counties.csv", newline="") as fh:
        counties = list(csv.DictReader(fh))
    circuits = sorted({int(c["judicial_circuit"]) for c in counties})
    return (
        agencies,
        counties,
        [
            {"circuit_code": str(n), "circuit_name": f"Circuit {n}", "region": CIRCUIT_REGION.get(str(n), "")}
            for n in circuits
        ],
    )


class Writers:
    """One CSV writer per bundle file, header first, rows in schema column order."""

    def __init__(self, out: Path) -> None:
        self.files, self.writers, self.columns, self.counts = {}, {}, {}, {}
        for spec in FILES:
            if spec.name in ("case_plans.csv", "older_youth_services.csv", "education_records.csv"):
                continue
            fh = open(out / spec.name, "w", newline="")  # noqa: SIM115 - closed in close()
            self.files[spec.name] = fh
            self.writers[spec.name] = csv.writer(fh, lineterminator="\n")
            self.columns[spec.name] = [c.name for c in spec.columns]
            self.writers[spec.name].writerow(self.columns[spec.name])
            self.counts[spec.name] = 0

    def row(self, file_name: str, **values) -> None:
        self.writers[file_name].writerow([_text(values.get(c)) for c in self.columns[file_name]])
        self.counts[file_name] += 1

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def generate(out: str | Path, *, children: int, months: int = 48, seed: int = 1, as_of: str = "2023-11-30") -> dict:
    """Write a bundle into `out`; returns rows per file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    as_of_date = date.fromisoformat(as_of)
    start = add_months(as_of_date.replace(day=1), -months)
    agencies, counties, circuits = _reference()
    w = Writers(out)
    w.row(
        "manifest.csv",
        extract_id=f"synthetic-{seed}-{children}-{as_of}",
        schema_version="1",
        state="MO",
        as_of_date=as_of_date,
        source_system="SYNTHETIC",
        generated_at=f"{as_of}T06:00:00-06:00",
    )
    for a in agencies:
        w.row(
            "agencies.csv",
            agency_code=a["code"],
            agency_name=a["name"],
            abbreviation=a["abbreviation"],
            agency_type="CD" if a["code"] == "CD" else "FCCM",
            parent_organization=a["parent_organization"],
            active_to=date(2023, 4, 30) if a["code"] == "6ZT" else None,
            successor_agency_code="6ZV" if a["code"] == "6ZT" else None,
        )
    for c in circuits:
        w.row("circuits.csv", **c)
    for c in counties:
        w.row(
            "counties.csv",
            county_fips=c["county_fips"],
            county_name=c["county_name"],
            circuit_code=c["judicial_circuit"],
            region=CIRCUIT_REGION.get(c["judicial_circuit"], ""),
        )
    for year in range(start.year, as_of_date.year + 1):
        for month, day, name in HOLIDAY_DAYS:
            d = date(year, month, day)
            if start <= d <= as_of_date:
                w.row("holidays.csv", holiday_date=d, name=name)

    # Each county is served by one FCCM agency (by circuit) and by CD.
    county_fips = [c["county_fips"] for c in counties]
    county_agency = {c["county_fips"]: FCCM_ACTIVE[int(c["judicial_circuit"]) % len(FCCM_ACTIVE)] for c in counties}

    # Workers: case managers and supervisors per agency, hired before the history starts.
    staff_size = max(2, children // (25 * (len(FCCM_ACTIVE) + 1)))
    workers: dict[str, list[str]] = {}
    hire = start - timedelta(days=1200)
    for agency in ["CD", *FCCM_ACTIVE, SPECIALIZED]:
        offices = [f for f in county_fips if county_agency[f] == agency]
        office = offices[0] if offices else "29019" if agency == SPECIALIZED else "29051"
        supervisors = [f"S{agency}{n}" for n in range(max(1, staff_size // 5))]
        for sup in supervisors:
            w.row(
                "workers.csv",
                worker_id=sup,
                period_start=hire - timedelta(days=100),
                role="SUPERVISOR",
                agency_code=agency,
                office_county_fips=office,
                fte="1.0",
            )
            _training(w, rng, sup, as_of_date)
        managers = [f"W{agency}{n}" for n in range(staff_size if agency != SPECIALIZED else max(2, staff_size // 6))]
        for n, worker in enumerate(managers):
            w.row(
                "workers.csv",
                worker_id=worker,
                period_start=hire,
                role="CASE_MANAGER",
                agency_code=agency,
                office_county_fips=office,
                supervisor_worker_id=supervisors[n % len(supervisors)],
                fte="1.0" if rng.random() < 0.9 else "0.5",
            )
            _training(w, rng, worker, as_of_date)
        workers[agency] = managers

    span = (as_of_date - start).days
    for n in range(children):
        _child(w, rng, n, start, span, as_of_date, county_fips, county_agency, workers)
    w.close()
    return dict(w.counts)


def _training(w: Writers, rng: random.Random, worker: str, as_of: date) -> None:
    if rng.random() < 0.7:
        w.row(
            "trainings.csv",
            training_id=f"T{worker}",
            worker_id=worker,
            course_code="TRAUMA_TOOLKIT",
            course_title="Trauma Toolkit",
            status="COMPLETED",
            completion_date=as_of - timedelta(days=rng.randint(1, 900)),
        )


def _child(w, rng, n, start, span, as_of, county_fips, county_agency, workers) -> None:
    child = f"C{n:07d}"
    first_removal = start + timedelta(days=rng.randint(-600, span - 1))
    age_days = rng.randint(30, 17 * 365)
    dob = first_removal - timedelta(days=age_days)
    w.row("children.csv", child_id=child, date_of_birth=dob, sex=rng.choice("MF"))
    county = rng.choice(county_fips)
    mother, father = f"PM{n:07d}", f"PF{n:07d}"
    has_father = rng.random() < 0.7
    tpr = None
    removal, k = first_removal, 0
    while removal <= as_of and k < 3 and removal < add_months(dob, 216) - timedelta(days=30):
        length = int(rng.expovariate(1 / 420)) + 1
        discharge = removal + timedelta(days=length)
        age18 = add_months(dob, 216)
        reason = rng.choices(["REU", "RLV", "GDN", "ADO", "TRA"], [55, 10, 10, 22, 3])[0]
        if discharge >= age18:
            discharge, reason = age18, "EMA"
        if discharge > as_of:
            discharge, reason = None, None
        if reason == "ADO":
            tpr = removal + timedelta(days=max(1, (discharge - removal).days // 2))
        episode = f"E{n:07d}{k}"
        w.row(
            "removal_episodes.csv",
            episode_id=episode,
            child_id=child,
            removal_date=removal,
            removal_manner="CRT",
            jurisdiction_county_fips=county,
            discharge_date=discharge,
            discharge_reason=reason,
            removal_number=k + 1,
        )
        end = discharge or as_of
        _placements(w, rng, episode, removal, discharge, reason, as_of)
        agency = _assignments(w, rng, child, episode, removal, discharge, as_of, county, county_agency, workers)
        _goals(w, rng, episode, removal, end, reason)
        # Visits are made by case managers of the agency holding the case at the end.
        _monthly(w, rng, child, episode, removal, end, mother, father if has_father else None, tpr, workers[agency])
        _exams(w, rng, child, episode, removal, as_of)
        _events(w, rng, child, episode, removal, end, as_of, county_agency[county])
        k += 1
        if discharge is None or reason not in ("REU", "RLV", "GDN") or rng.random() > 0.06:
            break
        removal = discharge + timedelta(days=rng.randint(20, 500))
    w.row("parents.csv", parent_id=mother, child_id=child, relationship="BIRTH_MOTHER", removed_from="Y", tpr_date=tpr)
    if has_father:
        w.row("parents.csv", parent_id=father, child_id=child, relationship="BIRTH_FATHER", tpr_date=tpr)
        if rng.random() < 0.05:
            w.row(
                "parent_restrictions.csv",
                restriction_id=f"X{n:07d}",
                parent_id=father,
                child_id=child,
                restriction_type="NO_CONTACT_ORDER",
                start_date=first_removal,
            )


def _placements(w, rng, episode, removal, discharge, reason, as_of) -> None:
    end = discharge
    thv_start = None
    if discharge and reason == "REU" and rng.random() < 0.4 and (discharge - removal).days > 60:
        thv_start = discharge - timedelta(days=rng.randint(30, min(120, (discharge - removal).days - 20)))
        end = thv_start
    cursor, i = removal, 0
    moves = rng.choices([0, 1, 2, 3], [50, 30, 13, 7])[0]
    bound = end or as_of
    total = (bound - removal).days
    for m in range(moves + 1):
        last = m == moves
        nxt = None if last else cursor + timedelta(days=max(1, total // (moves + 1)))
        if nxt is not None and nxt >= bound:
            nxt, last = None, True
        setting = rng.choice(SETTINGS)
        w.row(
            "placements.csv",
            placement_id=f"{episode}P{i}",
            episode_id=episode,
            start_date=cursor,
            end_date=end if last else nxt,
            setting_type=setting,
            provider_id=f"H{rng.randint(1, 5000)}",
            qrtp_assessment_date=(cursor + timedelta(days=rng.randint(5, 45)))
            if setting == "QRTP" and cursor + timedelta(days=45) <= bound
            else None,
        )
        i += 1
        if last:
            break
        cursor = nxt
    if thv_start:
        w.row(
            "placements.csv",
            placement_id=f"{episode}P{i}",
            episode_id=episode,
            start_date=thv_start,
            end_date=discharge,
            setting_type="THV",
        )


def _assignments(w, rng, child, episode, removal, discharge, as_of, county, county_agency, workers) -> str:
    # Most cases start with CD and are referred to the county's FCCM agency within weeks; some stay with CD.
    plan = [("CD", removal)]
    if rng.random() < 0.75:
        referral = removal + timedelta(days=rng.randint(3, 45))
        fccm = SPECIALIZED if rng.random() < SPECIALIZED_SHARE else county_agency[county]
        if referral <= as_of and (discharge is None or referral < discharge):
            plan.append((fccm, referral))
    for i, (agency, first) in enumerate(plan):
        last = (plan[i + 1][1] - timedelta(days=1)) if i + 1 < len(plan) else discharge
        bound = last or as_of
        cursor, j = first, 0
        while True:
            change = cursor + timedelta(days=rng.randint(120, 500))
            final = change > bound or j >= 6
            w.row(
                "worker_assignments.csv",
                assignment_id=f"{episode}A{i}{j}",
                child_id=child,
                episode_id=episode,
                worker_id=rng.choice(workers[agency]),
                assignment_role="PRIMARY",
                agency_code=agency,
                responsible_county_fips=county,
                start_date=cursor,
                end_date=last if final else change - timedelta(days=1),
            )
            if final:
                break
            cursor, j = change, j + 1
    return plan[-1][0]


def _goals(w, rng, episode, removal, end, reason) -> None:
    first = removal + timedelta(days=rng.randint(5, 40))
    if first > end:
        return
    later = {"ADO": "ADO", "GDN": "GDN", "EMA": "EMA"}.get(reason or "", None)
    switch = removal + timedelta(days=rng.randint(200, 500))
    if later and switch < end:
        w.row(
            "permanency_goals.csv",
            goal_id=f"{episode}G0",
            episode_id=episode,
            goal_rank="PRIMARY",
            goal_type="REU",
            start_date=first,
            end_date=switch - timedelta(days=1),
        )
        w.row(
            "permanency_goals.csv",
            goal_id=f"{episode}G1",
            episode_id=episode,
            goal_rank="PRIMARY",
            goal_type=later,
            start_date=switch,
        )
    else:
        w.row(
            "permanency_goals.csv",
            goal_id=f"{episode}G0",
            episode_id=episode,
            goal_rank="PRIMARY",
            goal_type="REU",
            start_date=first,
        )
    w.row(
        "permanency_goals.csv",
        goal_id=f"{episode}G9",
        episode_id=episode,
        goal_rank="CONCURRENT",
        goal_type="ADO" if later != "ADO" else "GDN",
        start_date=first,
    )


def _monthly(w, rng, child, episode, removal, end, mother, father, tpr, staff: list[str]) -> None:
    month = removal.replace(day=1)
    while month <= end:
        first_day = max(month, removal)
        last_day = min(add_months(month, 1) - timedelta(days=1), end)
        days = (last_day - first_day).days
        key = f"{episode}{month:%y%m}"
        if rng.random() < 0.92:
            w.row(
                "worker_child_visits.csv",
                visit_id=f"V{key}",
                child_id=child,
                worker_id=rng.choice(staff),
                visit_date=first_day + timedelta(days=rng.randint(0, days)),
                contact_mode="IN_PERSON" if rng.random() < 0.97 else "VIDEO",
                location="CHILD_RESIDENCE" if rng.random() < 0.75 else "SCHOOL",
                status="COMPLETED",
                seen_alone="Y",
            )
        elif rng.random() < 0.5:
            w.row(
                "worker_child_visits.csv",
                visit_id=f"V{key}",
                child_id=child,
                worker_id=rng.choice(staff),
                visit_date=first_day + timedelta(days=rng.randint(0, days)),
                contact_mode="IN_PERSON",
                status="ATTEMPTED",
            )
        for parent, rate in ((mother, 0.15), (father, 0.08)):
            if parent and (tpr is None or first_day < tpr) and rng.random() < rate:
                w.row(
                    "parent_child_visits.csv",
                    visit_id=f"F{key}{parent[1]}",
                    child_id=child,
                    parent_id=parent,
                    visit_date=first_day + timedelta(days=rng.randint(0, days)),
                    visit_mode="IN_PERSON",
                    supervision="SUPERVISED",
                    status="COMPLETED" if rng.random() < 0.85 else "NO_SHOW",
                )
            if parent and (tpr is None or first_day < tpr) and rng.random() < 0.3:
                w.row(
                    "worker_parent_visits.csv",
                    visit_id=f"P{key}{parent[1]}",
                    parent_id=parent,
                    child_id=child,
                    worker_id=rng.choice(staff),
                    visit_date=first_day + timedelta(days=rng.randint(0, days)),
                    contact_mode="IN_PERSON" if rng.random() < 0.85 else "PHONE",
                    location="PARENT_HOME",
                    status="COMPLETED",
                )
        month = add_months(month, 1)


def _exams(w, rng, child, episode, removal, as_of) -> None:
    roll = rng.random()
    if roll < 0.62:
        exam = removal + timedelta(days=rng.randint(0, 30))
    elif roll < 0.9:
        exam = removal + timedelta(days=rng.randint(31, 90))
    else:
        return
    if exam <= as_of:
        w.row(
            "hcy_exams.csv",
            exam_id=f"X{episode}",
            child_id=child,
            exam_date=exam,
            exam_type="HCY_FULL",
            status="COMPLETED",
            source="MEDICAID_CLAIM",
        )


def _events(w, rng, child, episode, removal, end, as_of, fccm) -> None:
    days = (end - removal).days
    if days > 20 and rng.random() < 0.01 * days / 365:
        report = removal + timedelta(days=rng.randint(10, days))
        disposition = report + timedelta(days=rng.randint(10, 45))
        finding = "POE" if rng.random() < 0.3 else "UNS"
        if disposition > as_of:
            finding, disposition = "PENDING", None
        w.row(
            "maltreatment_reports.csv",
            report_id=f"R{episode}",
            child_id=child,
            allegation_seq=1,
            report_date=report,
            disposition_date=disposition,
            finding=finding,
            maltreatment_type="NEGLECT",
            perpetrator_relationship="FOSTER_PARENT",
        )
    if days > 5 and rng.random() < 0.002:
        event = removal + timedelta(days=rng.randint(1, days))
        aware = min(event + timedelta(days=rng.randint(0, 2)), as_of)
        w.row(
            "sentinel_events.csv",
            event_id=f"SE{episode}",
            child_id=child,
            event_date=event,
            awareness_date=aware,
            event_type="SERIOUS_BODILY_INJURY",
            reported_date=min(aware + timedelta(days=rng.randint(0, 3)), as_of),
        )
    if days > 30 and rng.random() < 0.003:
        returned = removal + timedelta(days=rng.randint(1, days - 1))
        w.row(
            "returned_cases.csv",
            return_id=f"RT{episode}",
            child_id=child,
            episode_id=episode,
            from_agency_code=fccm,
            return_date=returned,
            reason="CATASTROPHIC_COST",
            cost_amount=f"{rng.randint(5000, 90000)}.00",
        )
