"""QA calibration (issue 15): calibration cases, blind dual reviews and who may see them.

Choosing the cases
- `draw(sample, user, share=… | count=…, seed=…)`: a QA lead (review.qa in every agency of the
  sample's cases) draws a calibration subsample from a quarter's sample. The sample's cases that
  were not eliminated, ordered by case id, are shuffled by a generator seeded from
  (seed, sample, "calibration"), like the main sample (reviews/sampling.py); the round takes the
  first `count` (or share x cases, rounded half-up, at least one) of that order that are not
  calibration cases of the quarter already. The seed is recorded: the same seed on the same
  sample gives the same order (`plan`), so the draw can be repeated and checked (`reproduces`).
- `mark(sample_case, user)`: a QA lead (review.qa in the case's agency) marks one case.
  A case is a calibration case at most once per quarter.

Dual review
- `start_dual_review(dual, first_reviewer, second_reviewer, pur_start, user)`: the QA lead starts
  the two reviews together, each assigned to one reviewer (two different people, each holding
  review.edit in the case's agency). Both are ordinary Review rows with `calibration=True` and the
  same period under review; the usual period rules apply (no open review of the case, no overlap
  with a finalized one, no future start).

Blindness: one rule, `_hidden_from(user)`
- A calibration review is *hidden* from a user until both reviews of its pair are submitted
  (status beyond in progress / returned, and not eliminated: `SUBMITTED`), unless the user is
  one of its own reviewers. So the reviewer of one side never sees the other side's answers,
  ratings, narratives or notes while either is still being entered (or is returned for
  changes), and nobody else does either: the QA lead sees progress only (`progress`).
- `may_see(review, user)` asks the rule for one review; `visible_reviews(qs, user)` applies it to a
  queryset. `reviews/access.py` fetches every review through them, so the review pages, the
  printout, the PDF and JSON downloads, the QA queue, the case list and the summaries all
  answer 404 (or leave the review out) exactly when `may_see` is False.
- Calibration reviews are never counted in summaries or reports (`counted`): the consensus
  review, an ordinary review, is the one that counts.

Agreement statistics
- `agreement_statistics(quarter, agency)`: over the quarter's calibration cases whose two reviews
  are both submitted, percent agreement and Cohen's kappa with its 95 % CI per item (Strength /
  ANI / NA) and per outcome (its four values), from reviews/agreement.py; the `agreement`
  command prints it as JSON or CSV.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import Agency, User
from accounts.scoping import has_capability
from reviews import workflow
from reviews.agreement import KAPPA_THRESHOLD, MIN_PAIRS, stat_row
from reviews.instrument.items import SCORING_ORDER
from reviews.instrument.outcomes import OUTCOME_KEYS
from reviews.models import CalibrationRound, DualReview, ItemRating, OutcomeRating, Review, Sample, SampleCase

Status = Review.Status

# A calibration review is "submitted" in these statuses: its reviewer can no longer change it.
SUBMITTED = (Status.SUBMITTED, Status.FIRST_LEVEL_QA, Status.APPROVED, Status.SECOND_LEVEL_QA, Status.FINALIZED)


class CalibrationError(ValueError):
    """The calibration step cannot be done (bad share, case already calibrated, same reviewer …)."""


# --- Blindness ------------------------------------------------------------------------------


def _pending_pairs() -> QuerySet[DualReview]:
    """Started pairs of which at least one review is not submitted."""
    return DualReview.objects.filter(first__isnull=False).exclude(
        first__status__in=SUBMITTED, second__status__in=SUBMITTED
    )


def _hidden_from(user: User) -> QuerySet[Review]:
    """THE blindness rule: calibration reviews of a pending pair, unless the user reviews that side."""
    pending = _pending_pairs()
    hidden = Review.objects.filter(calibration=True).filter(
        Q(dual_as_first__in=pending) | Q(dual_as_second__in=pending)
    )
    if not user.is_authenticated:
        return hidden
    return hidden.exclude(reviewers=user)


def visible_reviews(qs: QuerySet[Review], user: User) -> QuerySet[Review]:
    """`qs` without the reviews `user` may not see yet (blind dual review)."""
    return qs.exclude(pk__in=_hidden_from(user).values("pk"))


def may_see(review: Review, user: User) -> bool:
    """May `user` see this review's content now? False only for the hidden side of a pending pair."""
    if not review.calibration:
        return True
    return not _hidden_from(user).filter(pk=review.pk).exists()


def both_submitted(dual: DualReview) -> bool:
    return bool(dual.first_id) and dual.first.status in SUBMITTED and dual.second.status in SUBMITTED


def progress(dual: DualReview) -> list[dict]:
    """What the QA lead sees of a pair before both are submitted: who, and how far, never content."""
    if not dual.first_id:
        return []
    return [
        {
            "side": side,
            "reviewers": [u.get_full_name() or u.username for u in review.reviewers.all()],
            "status": review.get_status_display(),
            "submitted": review.status in SUBMITTED,
        }
        for side, review in (("first", dual.first), ("second", dual.second))
    ]


def counted(qs: QuerySet[Review]) -> QuerySet[Review]:
    """The reviews summaries and reports count: never the two blind calibration reviews."""
    return qs.filter(calibration=False)


# --- Choosing the cases ---------------------------------------------------------------------


def _check_qa_lead(user: User, agencies) -> None:
    missing = sorted({a.code for a in agencies if not has_capability(user, "review.qa", a)})
    if missing:
        raise workflow.NotAllowed(
            f"Calibration cases are chosen by QA reviewers; you are not one in {', '.join(missing)}."
        )


def population(sample: Sample) -> list[SampleCase]:
    """The sample's cases that may be calibrated: not eliminated, ordered by case id."""
    return list(sample.cases.filter(eliminated=False).select_related("case__agency").order_by("case__case_id"))


def plan(sample: Sample, seed: int) -> list[SampleCase]:
    """The sample's cases in the calibration order of `seed` (the same seed, the same order)."""
    entries = population(sample)
    rng = random.Random(f"{seed}|sample {sample.pk}|calibration")
    rng.shuffle(entries)
    return entries


def size_of(available: int, share: Decimal | str | None, count: int | None) -> int:
    """How many cases a share or a count asks for, out of `available`."""
    if (share is None) == (count is None):
        raise CalibrationError("give either a share or a count of cases")
    if count is not None:
        if count < 1:
            raise CalibrationError("the count must be at least 1")
        wanted = count
    else:
        share = Decimal(str(share))
        if not 0 < share <= 1:
            raise CalibrationError("the share must be more than 0 and at most 1 (e.g. 0.1 for 10 %)")
        wanted = max(1, int((share * available).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if wanted > available:
        raise CalibrationError(f"cannot draw {wanted} calibration cases from {available} available")
    return wanted


@transaction.atomic
def draw(
    sample: Sample,
    user: User,
    *,
    share: Decimal | str | None = None,
    count: int | None = None,
    seed: int | None = None,
) -> CalibrationRound:
    """Draw and record a calibration subsample of `sample`; the seed is kept."""
    entries = population(sample)
    _check_qa_lead(user, {e.case.agency for e in entries})
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    taken = set(DualReview.objects.filter(quarter=sample.quarter).values_list("case_id", flat=True))
    available = [(order, e) for order, e in enumerate(plan(sample, seed), start=1) if e.case_id not in taken]
    wanted = size_of(len(available), share, count)
    round_ = CalibrationRound.objects.create(
        sample=sample,
        seed=seed,
        share=None if share is None else Decimal(str(share)),
        count=count,
        drawn_by=user,
    )
    DualReview.objects.bulk_create(
        DualReview(quarter=sample.quarter, case=e.case, round=round_, draw_order=order, marked_by=user)
        for order, e in available[:wanted]
    )
    log_action(
        "reviews.calibration.drawn",
        user=user,
        obj=round_,
        data={"sample": sample.pk, "seed": seed, "share": None if share is None else str(share), "count": count},
    )
    return round_


def reproduces(round_: CalibrationRound) -> bool:
    """Are the round's cases, in their draw order, those its seed gives (skipping earlier calibration cases)?"""
    order = {e.case_id: n for n, e in enumerate(plan(round_.sample, round_.seed), start=1)}
    recorded = list(round_.cases.order_by("draw_order").values_list("case_id", "draw_order"))
    return all(order.get(case_id) == n for case_id, n in recorded)


@transaction.atomic
def mark(entry: SampleCase, user: User) -> DualReview:
    """Mark one case of a sample for dual review."""
    _check_qa_lead(user, {entry.case.agency})
    if entry.eliminated:
        raise CalibrationError(f"{entry.case.case_id} was eliminated from the sample")
    quarter = entry.sample.quarter
    if DualReview.objects.filter(quarter=quarter, case=entry.case).exists():
        raise CalibrationError(f"{entry.case.case_id} is already a calibration case in {quarter}")
    dual = DualReview.objects.create(quarter=quarter, case=entry.case, marked_by=user)
    log_action(
        "reviews.calibration.marked", user=user, obj=dual, agency=entry.case.agency, data={"case": entry.case.case_id}
    )
    return dual


# --- Starting the two reviews ---------------------------------------------------------------


@transaction.atomic
def start_dual_review(
    dual: DualReview, first_reviewer: User, second_reviewer: User, pur_start: dt.date, user: User
) -> tuple[Review, Review]:
    """Start the pair's two blind reviews, one per reviewer (two different people)."""
    # Lock the pair's row alone (PostgreSQL refuses FOR UPDATE on the outer join to the nullable county).
    dual = DualReview.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=dual.pk)
    case = dual.case
    _check_qa_lead(user, {case.agency})
    if dual.first_id:
        raise CalibrationError(f"the dual review of {case.case_id} has already started")
    if first_reviewer.pk == second_reviewer.pk:
        raise CalibrationError("a dual review needs two different reviewers")
    for reviewer in (first_reviewer, second_reviewer):
        if not reviewer.is_active or not has_capability(reviewer, "review.edit", case.agency):
            raise CalibrationError(f"{reviewer.username} is not a reviewer in {case.agency.code}")
    problems = workflow.period_start_problems(case, pur_start)
    if problems:
        raise workflow.Refused(problems)
    first = workflow.create_review(case, first_reviewer, pur_start, calibration=True, started_by=user)
    second = workflow.create_review(case, second_reviewer, pur_start, calibration=True, started_by=user)
    dual.first, dual.second = first, second
    dual.started_by, dual.started_at = user, timezone.now()
    dual.save()
    log_action(
        "reviews.calibration.started",
        user=user,
        obj=dual,
        agency=case.agency,
        data={"case": case.case_id, "reviews": [first.pk, second.pk]},
    )
    return first, second


# --- Agreement statistics -------------------------------------------------------------------

ITEM_CATEGORIES = ("STRENGTH", "ANI", "NA")
OUTCOME_CATEGORIES = ("SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED", "NA")


def period_quarters(period: str) -> list[str]:
    """The quarters of a period: "2023Q3" -> ["2023Q3"]; a federal fiscal year "FFY2023" (October 2022
    to September 2023) -> ["2022Q4", "2023Q1", "2023Q2", "2023Q3"]. Raises CalibrationError otherwise."""
    text = period.strip().upper()
    match = re.fullmatch(r"(\d{4})Q([1-4])", text)
    if match:
        return [text]
    match = re.fullmatch(r"FFY ?(\d{4})", text)
    if match:
        year = int(match.group(1))
        return [f"{year - 1}Q4", f"{year}Q1", f"{year}Q2", f"{year}Q3"]
    raise CalibrationError(f"period {period!r} must be a quarter like 2023Q3 or a federal fiscal year like FFY2023")


def submitted_pairs(period: str, agency: Agency | None = None) -> QuerySet[DualReview]:
    """The period's calibration cases (of one agency, or all) whose two reviews are both submitted.

    `period` is a quarter (2023Q3) or a federal fiscal year (FFY2023: its four quarters)."""
    pairs = DualReview.objects.filter(
        quarter__in=period_quarters(period), first__status__in=SUBMITTED, second__status__in=SUBMITTED
    )
    if agency is not None:
        pairs = pairs.filter(case__agency=agency)
    return pairs


def _values(model, field: str, reviews, column: str = "calculated") -> dict[tuple[int, str], str]:
    return {
        (review_id, key): value
        for review_id, key, value in model.objects.filter(review_id__in=reviews).values_list("review_id", field, column)
    }


def _rating_pairs(model, field: str, ids: list[tuple[int, int]], keys, categories) -> dict[str, list[tuple[str, str]]]:
    # The calculated rating: each reviewer's own judgement, before any QA override.
    value = _values(model, field, [pk for pair in ids for pk in pair])
    result = {}
    for key in keys:
        result[key] = [
            (value[(a, key)], value[(b, key)])
            for a, b in ids
            if value.get((a, key)) in categories and value.get((b, key)) in categories
        ]
    return result


def agreement_statistics(period: str, agency: Agency | None = None) -> dict:
    """Percent agreement and Cohen's kappa per item and per outcome over the period's submitted pairs.

    A pair counts for an item (outcome) when both reviews rated it with one of ITEM_CATEGORIES
    (OUTCOME_CATEGORIES); the ratings compared are the calculated ones. The rows are
    reviews.agreement.stat_row: {"key", "pairs", "percent_agreement", "kappa", "kappa_ci", "flagged"}.
    """
    ids = list(submitted_pairs(period, agency).order_by("case__case_id").values_list("first_id", "second_id"))
    items = _rating_pairs(ItemRating, "item", ids, SCORING_ORDER, ITEM_CATEGORIES)
    outcomes = _rating_pairs(OutcomeRating, "outcome", ids, OUTCOME_KEYS, OUTCOME_CATEGORIES)
    return {
        "quarter": period.strip().upper(),
        "scope": agency.code if agency is not None else "all",
        "pairs": len(ids),
        "items": [stat_row(key, items[key]) for key in SCORING_ORDER],
        "outcomes": [stat_row(key, outcomes[key]) for key in OUTCOME_KEYS],
    }


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _sides(pairs: QuerySet[DualReview]) -> list[tuple[DualReview, User | None, User | None]]:
    """Each pair with the reviewer of its first and of its second review."""
    duals = list(pairs.select_related("case").order_by("case__case_id"))
    through = Review.reviewers.through.objects.filter(
        review_id__in=[pk for d in duals for pk in (d.first_id, d.second_id)]
    ).select_related("user")
    by_review: dict[int, User] = {}
    for row in through.order_by("id"):
        by_review.setdefault(row.review_id, row.user)
    return [(d, by_review.get(d.first_id), by_review.get(d.second_id)) for d in duals]


def reviewer_statistics(period: str, agency: Agency | None = None) -> dict:
    """Item ratings pooled over all items, per reviewer pair and per reviewer against the consensus.

    Per pair: every item both reviews rated (Strength / ANI / NA) is one comparison of the two
    reviewers' calculated ratings. Against the consensus: each reviewer's calculated rating against the
    consensus review's effective rating (the one that counts), over the reconciled cases.
    Rows are stat_row dicts with "key" the pair's or the reviewer's name, plus "cases".
    """
    sides = _sides(submitted_pairs(period, agency))
    reviews = [pk for d, _, _ in sides for pk in (d.first_id, d.second_id)]
    own = _values(ItemRating, "item", reviews)
    consensus = _values(ItemRating, "item", [d.consensus_id for d, _, _ in sides if d.consensus_id], "effective")
    # Grouped by user, never by name: two reviewers with the same full name stay apart.
    labels = _labels([user for _, first, second in sides for user in (first, second) if user is not None])
    by_pair: dict[tuple[int, int], list] = {}
    pair_cases: dict[tuple[int, int], int] = {}
    by_reviewer: dict[int, list] = {}
    reviewer_cases: dict[int, int] = {}
    for dual, first, second in sides:
        if first is None or second is None:
            continue
        pair = tuple(sorted((first.pk, second.pk), key=lambda pk: (labels[pk], pk)))
        pair_cases[pair] = pair_cases.get(pair, 0) + 1
        ratings = by_pair.setdefault(pair, [])
        for key in SCORING_ORDER:
            a, b = own.get((dual.first_id, key)), own.get((dual.second_id, key))
            if a in ITEM_CATEGORIES and b in ITEM_CATEGORIES:
                ratings.append((a, b))
        if dual.consensus_id:
            for user, review_id in ((first, dual.first_id), (second, dual.second_id)):
                reviewer_cases[user.pk] = reviewer_cases.get(user.pk, 0) + 1
                rows = by_reviewer.setdefault(user.pk, [])
                for key in SCORING_ORDER:
                    a, c = own.get((review_id, key)), consensus.get((dual.consensus_id, key))
                    if a in ITEM_CATEGORIES and c in ITEM_CATEGORIES:
                        rows.append((a, c))

    def pair_label(pair: tuple[int, int]) -> str:
        return " and ".join(labels[pk] for pk in pair)

    return {
        "pairs": [
            {**stat_row(pair_label(pair), by_pair[pair]), "cases": pair_cases[pair]}
            for pair in sorted(by_pair, key=pair_label)
        ],
        "reviewers": [
            {**stat_row(labels[pk], by_reviewer[pk]), "cases": reviewer_cases[pk]}
            for pk in sorted(by_reviewer, key=lambda pk: (labels[pk], pk))
        ],
    }


def _labels(users: list[User]) -> dict[int, str]:
    """Each user's display name; where two users share one, their usernames are added to tell them apart."""
    unique = {user.pk: user for user in users}
    names = {pk: _name(user) for pk, user in unique.items()}
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return {pk: f"{name} ({unique[pk].username})" if name in shared else name for pk, name in names.items()}


def feedback(user: User) -> list[dict]:
    """The user's own disagreement record by item, over every pair of theirs with both reviews submitted.

    Per item: the cases both reviews rated it, how many times the user's rating differed from their
    partner's, and (over the reconciled cases) from the consensus; with the case ids where it differed.
    Only the user's own reviews are read: never another reviewer's record.
    """
    duals = list(
        DualReview.objects.filter(first__status__in=SUBMITTED, second__status__in=SUBMITTED)
        .filter(Q(first__reviewers=user) | Q(second__reviewers=user))
        .select_related("case")
        .distinct()
        .order_by("quarter", "case__case_id")
    )
    # Which side is the user's, for every pair in one query (not two per pair).
    firsts_of_user = set(
        Review.reviewers.through.objects.filter(user=user, review_id__in=[d.first_id for d in duals]).values_list(
            "review_id", flat=True
        )
    )
    mine = {d.pk: d.first_id if d.first_id in firsts_of_user else d.second_id for d in duals}
    partner = {d.pk: d.second_id if mine[d.pk] == d.first_id else d.first_id for d in duals}
    values = _values(ItemRating, "item", [*mine.values(), *partner.values()])
    consensus = _values(ItemRating, "item", [d.consensus_id for d in duals if d.consensus_id], "effective")
    rows = []
    for key in SCORING_ORDER:
        row = {"key": key, "cases": 0, "partner": 0, "partner_cases": [], "reconciled": 0, "consensus": 0,
               "consensus_cases": []}  # fmt: skip
        for d in duals:
            own, other = values.get((mine[d.pk], key)), values.get((partner[d.pk], key))
            if own not in ITEM_CATEGORIES or other not in ITEM_CATEGORIES:
                continue
            row["cases"] += 1
            if own != other:
                row["partner"] += 1
                row["partner_cases"].append(f"{d.case.case_id} ({d.quarter}): yours {own}, partner {other}")
            agreed = consensus.get((d.consensus_id, key)) if d.consensus_id else None
            if agreed in ITEM_CATEGORIES:
                row["reconciled"] += 1
                if own != agreed:
                    row["consensus"] += 1
                    row["consensus_cases"].append(f"{d.case.case_id} ({d.quarter}): yours {own}, consensus {agreed}")
        rows.append(row)
    return rows


def flag_reason(row: dict[str, Any]) -> str:
    """Why a row is flagged, in words ("" when it is not)."""
    if not row["flagged"]:
        return ""
    reasons = []
    if row["pairs"] < MIN_PAIRS:
        reasons.append(f"fewer than {MIN_PAIRS} pairs ({row['pairs']})")
    if row["kappa"] is None:
        reasons.append("kappa undefined (no pairs, or both reviewers used one category only)")
    elif float(row["kappa"]) < KAPPA_THRESHOLD:
        reasons.append(f"kappa below {KAPPA_THRESHOLD}")
    return "; ".join(reasons)


def statistics_rows(result: dict, reasons: bool = False) -> list[list[Any]]:
    """agreement_statistics' items then outcomes as table rows (the command's CSV and the page's exports):
    kind, key, pairs, % agreement, kappa, CI low, CI high, flagged (yes/no) and, with `reasons`, why."""
    body = []
    for kind in ("items", "outcomes"):
        for row in result[kind]:
            low, high = row["kappa_ci"] or ("", "")
            line = [
                kind[:-1],
                row["key"],
                row["pairs"],
                row["percent_agreement"] or "",
                row["kappa"] or "",
                low,
                high,
                "yes" if row["flagged"] else "no",
            ]
            body.append([*line, flag_reason(row)] if reasons else line)
    return body
