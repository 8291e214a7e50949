"""The measure map names only codes that exist, and agrees with the survey bank's pairings."""

from __future__ import annotations

from collections import Counter

import pytest

from metrics.registry import all_metrics
from reports.measures import MEASURES, MEASURES_BY_CODE, PLANNED_METRIC_CODES, all_metric_codes
from reviews.instrument.items import ITEMS_BY_KEY
from reviews.instrument.outcomes import OUTCOMES_BY_KEY
from surveys.models import OSRI_ITEM_RE
from surveys.question_bank import ALL_GROUPS, BANK

REGISTRY = {m.code for m in all_metrics()}


def bank_tag_sets() -> list[set[str]]:
    """The tags of each (question, group) of the default survey question bank."""
    out = []
    for q in BANK:
        for group in ALL_GROUPS:
            if group in q.groups:
                out.append(set(q.for_group(q.tags, group) or ()))
    return out


BANK_TAGS = set().union(*bank_tag_sets())


def test_measure_codes_are_unique():
    assert len(MEASURES_BY_CODE) == len(MEASURES)


def test_every_metric_code_is_computed_by_metrics_or_planned_in_the_spec():
    unknown = [code for code in all_metric_codes() if code not in REGISTRY and code not in PLANNED_METRIC_CODES]
    assert unknown == []


def test_every_computed_metric_belongs_to_exactly_one_measure():
    counts = Counter(all_metric_codes())
    assert {code: counts[code] for code in REGISTRY if counts[code] != 1} == {}


def test_every_measure_names_at_least_one_metric():
    assert [m.code for m in MEASURES if not m.metrics] == []


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.code)
def test_osri_items_and_outcomes_exist(measure):
    assert [key for key in measure.osri_items if key not in ITEMS_BY_KEY] == []
    assert [key for key in measure.osri_outcomes if key not in OUTCOMES_BY_KEY] == []


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.code)
def test_survey_tags_are_carried_by_bank_questions_and_name_the_measures_metrics(measure):
    assert [tag for tag in measure.survey_tags if tag not in BANK_TAGS] == []
    assert [tag for tag in measure.survey_tags if tag not in measure.metrics] == []


def test_every_metric_tag_of_the_bank_is_reported_under_a_measure():
    metric_tags = {tag for tag in BANK_TAGS if not OSRI_ITEM_RE.match(tag)}
    reported = {tag for m in MEASURES for tag in m.survey_tags}
    assert metric_tags - reported == set()


def test_items_the_bank_pairs_with_a_metric_are_the_measures_items():
    """A bank question tagged `worker_child_visits` and `item14` says they measure the same thing."""
    missing = set()
    for tags in bank_tag_sets():
        items = {tag.removeprefix("item") for tag in tags if OSRI_ITEM_RE.match(tag)}
        for measure in MEASURES:
            if tags & set(measure.survey_tags):
                missing |= {(measure.code, item) for item in items if item not in measure.osri_items}
    assert missing == set()


def test_worker_child_visits_is_the_regulation_view_of_item_14():
    measure = MEASURES_BY_CODE["worker_child_visits"]
    assert measure.headline_metric == "worker_child_visits"
    assert measure.osri_items == ("14",)
    assert measure.survey_tags == ("worker_child_visits",)
