"""Compare the survey results of two versions of surveys/results.py on the same data.

    git show main:surveys/results.py > /tmp/old_results.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/survey_bench \\
        .venv/bin/python benchmarks/survey_results_compare.py /tmp/old_results.py [--add-multiple]

Run on a scratch database filled by benchmarks/survey_results.py (`--responses 10000`, or
`--responses 400 --agencies 12` for many hidden cells). `--add-multiple` first answers the
multiple-choice questions (which that data leaves out) in about half of the responses, with a
seeded random set of choices, so that their counts are compared too.

For 14 selections (all; each wave; four agencies; two groups; a wave and an agency; an agency and
a group; two agencies, as a user with roles in both sees them; half of one cell's responses, which
must come out suppressed), compares the old and the current code's `question_results` (pooled and
by group), `breakdown` by agency, group and wave of 12 closed questions, `response_count` and
`comments`, each with its own `disclosure()`; prints each difference and the totals, and exits 1
on any difference.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_multiple() -> int:
    from django.db import transaction

    from surveys.models import Answer, Question, Response

    rng = random.Random(14)
    added = 0
    with transaction.atomic():
        for question in Question.objects.filter(kind=Question.Kind.MULTIPLE).prefetch_related("choices"):
            choices = list(question.choices.all())
            responses = Response.objects.filter(status="submitted", survey=question.survey_id).exclude(
                answers__question=question
            )
            for response in responses.order_by("pk"):
                if rng.random() < 0.5:
                    answer = Answer.objects.create(response=response, question=question)
                    answer.choices.set(rng.sample(choices, rng.randint(1, min(3, len(choices)))))
                    added += 1
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", help="the other version of surveys/results.py")
    parser.add_argument("--add-multiple", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from accounts.models import Agency
    from surveys import results as new
    from surveys.models import Question, Response, Wave

    spec = importlib.util.spec_from_file_location("old_results", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules["old_results"] = old
    spec.loader.exec_module(old)

    if args.add_multiple:
        print(f"added {add_multiple()} multiple-choice answers")
    submitted = Response.objects.filter(status="submitted")
    waves = list(Wave.objects.filter(pk__in=submitted.values("wave")).order_by("opens_on"))
    agencies = list(Agency.objects.filter(pk__in=submitted.values("agency")).order_by("code"))
    groups = sorted(set(submitted.values_list("group", flat=True)))
    first_cell = submitted.order_by("wave", "agency", "group").values("wave", "agency", "group").first()
    half = list(submitted.filter(**first_cell).order_by("pk").values_list("pk", flat=True))
    selections = [
        ("all", submitted),
        *((f"wave {w.name}", submitted.filter(wave=w)) for w in waves),
        *((f"agency {a.code}", submitted.filter(agency=a)) for a in agencies[:4]),
        *((f"group {g}", submitted.filter(group=g)) for g in groups[:2]),
        (f"wave {waves[0].name}, agency {agencies[0].code}", submitted.filter(wave=waves[0], agency=agencies[0])),
        (f"agency {agencies[1].code}, group {groups[0]}", submitted.filter(agency=agencies[1], group=groups[0])),
        (f"agencies {agencies[0].code}+{agencies[1].code}", submitted.filter(agency__in=agencies[:2])),
        ("half of one cell (partial)", submitted.filter(pk__in=half[: len(half) // 2])),
    ]
    codes = list(
        dict.fromkeys(
            Question.objects.filter(kind__in=["agreement", "yes_no"]).order_by("code").values_list("code", flat=True)
        )
    )[:12]
    old_shown, new_shown = old.disclosure(), new.disclosure()
    compared = differences = 0
    suppressed = hidden = 0

    def same(label: str, a, b) -> None:
        nonlocal compared, differences
        compared += 1
        if repr(a) != repr(b):
            differences += 1
            print(f"DIFFERENT: {label}\n  old: {a!r}\n  new: {b!r}")

    for name, responses in selections:
        for by_group in (False, True):
            a = old.question_results(responses, by_group=by_group, shown_by=old_shown)
            b = new.question_results(responses, by_group=by_group, shown_by=new_shown)
            same(f"{name}: question_results(by_group={by_group})", a, b)
            suppressed += sum(r.suppressed for r in b)
        for code in codes:
            for by in ("agency", "group", "wave"):
                a = old.breakdown(responses, code, by, shown_by=old_shown)
                b = new.breakdown(responses, code, by, shown_by=new_shown)
                same(f"{name}: breakdown({code}, {by})", a, b)
                suppressed += sum(row.suppressed for row in b)
        same(f"{name}: response_count", old.response_count(responses, old_shown),
             new.response_count(responses, new_shown))  # fmt: skip
        same(f"{name}: comments", old.comments(responses, shown_by=old_shown),
             new.comments(responses, shown_by=new_shown))  # fmt: skip
    hidden = len(new_shown.respondents.hidden_cells)
    print(
        f"{submitted.count()} responses, {len(agencies)} agencies, {hidden} hidden cells; {len(selections)} "
        f"selections: {compared} comparisons, {differences} different; {suppressed} suppressed results compared"
    )
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
