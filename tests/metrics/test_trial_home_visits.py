"""Consecutive trial-home-visit rows are one continuous visit (spec section 3.2, timely_permanency:
`thv_days` is the length of the final continuous trial home visit that ended in the discharge).

Every case is W11's T4: removed 2022-05-01, goal REU (deadline 2023-05-01), discharged REU 2023-06-15,
in a foster home until the first trial home visit. Only the THV rows change."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.models import PermanencyClock
from tests.metrics.bundle import load
from tests.metrics.helpers import run, units

pytestmark = pytest.mark.django_db

REMOVAL, DISCHARGE, DEADLINE = date(2022, 5, 1), date(2023, 6, 15), date(2023, 5, 1)


def placements(rows: list[tuple[str, str, str]]) -> list[dict]:
    """A foster home from removal to the first row, then `rows` as (setting, start, end)."""
    home = {
        "placement_id": "P0",
        "episode_id": "ET4",
        "start_date": REMOVAL.isoformat(),
        "end_date": rows[0][1],
        "setting_type": "FFH_NONREL",
        "provider_id": "H1",
    }
    out = [home]
    for n, (setting, start, end) in enumerate(rows, start=1):
        row = {"placement_id": f"P{n}", "episode_id": "ET4", "start_date": start, "end_date": end}
        row.update(setting_type=setting, provider_id="" if setting == "THV" else f"H{n + 1}")
        out.append(row)
    return out


@pytest.mark.parametrize(
    "rows, thv_days, adjusted_exit, outcome",
    [
        # one row: the spec's worked example (106 THV days, 76 beyond the 30-day grace)
        ([("THV", "2023-03-01", "")], 106, date(2023, 3, 31), "ON_TIME"),
        # two rows, the second starting on the day the first ends: one visit of 106 days
        ([("THV", "2023-03-01", "2023-04-15"), ("THV", "2023-04-15", "2023-06-15")], 106, date(2023, 3, 31), "ON_TIME"),
        # the second starting the day after the first ends: still one visit
        ([("THV", "2023-03-01", "2023-04-14"), ("THV", "2023-04-15", "")], 106, date(2023, 3, 31), "ON_TIME"),
        # three rows, joined on the same day and on the day after: 2023-02-01 to discharge
        (
            [("THV", "2023-02-01", "2023-03-01"), ("THV", "2023-03-01", "2023-04-01"), ("THV", "2023-04-02", "")],
            134,
            date(2023, 3, 3),
            "ON_TIME",
        ),
        # the deadline falls on the one-day gap between two rows: still on the visit, not late
        ([("THV", "2023-03-01", "2023-05-02"), ("THV", "2023-05-03", "")], 106, date(2023, 3, 31), "ON_TIME"),
        # two days between the rows: two visits; only the final one (61 days) adjusts the exit
        ([("THV", "2023-03-01", "2023-04-13"), ("THV", "2023-04-15", "")], 61, date(2023, 5, 15), "LATE_EXIT"),
        # another setting between the rows: two visits
        (
            [("THV", "2023-03-01", "2023-04-10"), ("FFH_REL", "2023-04-10", "2023-04-15"), ("THV", "2023-04-15", "")],
            61,
            date(2023, 5, 15),
            "LATE_EXIT",
        ),
        # the final visit ended before the discharge: no adjustment; the deadline passed at home
        ([("THV", "2023-03-01", "2023-04-15"), ("FFH_REL", "2023-04-15", "")], 0, DISCHARGE, "LATE_DEADLINE"),
    ],
)
def test_consecutive_thv_rows_are_one_visit(tmp_path, rows, thv_days, adjusted_exit, outcome):
    episode = {
        "episode_id": "ET4",
        "child_id": "T4",
        "removal_date": REMOVAL.isoformat(),
        "discharge_date": DISCHARGE.isoformat(),
        "discharge_reason": "REU",
    }
    goal = {
        "goal_id": "G4",
        "episode_id": "ET4",
        "goal_rank": "PRIMARY",
        "goal_type": "REU",
        "start_date": REMOVAL.isoformat(),
    }
    load(tmp_path, removal_episodes=[episode], permanency_goals=[goal], placements=placements(rows))
    r = run(metrics=["timely_permanency"])
    clock = PermanencyClock.objects.get(run=r, episode_id="ET4")
    got_days = 0 if clock.final_thv_start_day is None else clock.discharge_day - clock.final_thv_start_day
    assert got_days == thv_days
    # adjusted exit (REU): the discharge less the THV days beyond the 30-day grace
    assert date.fromordinal(clock.discharge_day - max(0, got_days - 30)) == adjusted_exit
    assert (adjusted_exit <= DEADLINE) == (outcome == "ON_TIME")
    (unit,) = units(r, "timely_permanency")
    assert (unit.reason or "ON_TIME") == outcome
    resolved = DISCHARGE if outcome != "LATE_DEADLINE" else date(2023, 5, 2)
    assert unit.event_day == resolved.toordinal()
