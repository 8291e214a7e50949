"""Corrections to osri-r4 so it matches the federal Round 4 instrument (issue 12).

Schema: ParticipantRating.na_reason (why a parent is not applicable to 12B, 13 or 15).
Data, for stored osri-r4 reviews (the same corrections reviews.instrument.document.upgrade_version_1
applies to format_version 1 files; written out here so the migration never changes with the app):
- Face Sheet letters move to Round 4: J -> K (latest removal), K -> L, L -> M, M1 -> N1, M2 -> N2;
- the visit patterns 8A1, 8B1 and 14A1 have no NA any more: NA answers are removed, and a parent's
  missing frequency answer (8A / 8B) becomes the NA the pattern implied;
- foster care cases have no NA for 3E / 3F: NA becomes NO with 3E1 / 3F1 "no safety concerns existed".
None of these changes a rating; run `manage.py rescore_reviews` afterwards so the stored rating rows
follow the corrected rules (item 8 with a short sibling separation, item 13 in in-home cases) and to
list reviews whose answers a corrected rule now refuses.
Backwards: letters move back, the no-concerns boxes, why-not-applicable answers and the
"current placement" reason (unknown to the older rules) are removed; removed NA patterns stay removed.
"""

from django.db import migrations, models

DRAFT_TO_ROUND4 = {"J": "K", "K": "L", "L": "M", "M1": "N1", "M2": "N2"}
ROUND4_TO_DRAFT = {new: old for old, new in DRAFT_TO_ROUND4.items()}
PATTERNS = {"8A1": "8A", "8B1": "8B", "14A1": None}
NO_CONCERNS = "NO_CONCERNS"
WHY_NA = ("12B1NA", "12B2NA", "13BNA", "13CNA", "15B1NA", "15B2NA")


def _reletter(Review, mapping):
    for review in Review.objects.filter(instrument_version="osri-r4").only("pk", "face_sheet"):
        sheet = {mapping.get(code, code): value for code, value in (review.face_sheet or {}).items()}
        if sheet != review.face_sheet:
            Review.objects.filter(pk=review.pk).update(face_sheet=sheet)


def forwards(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Answer = apps.get_model("reviews", "Answer")
    _reletter(Review, DRAFT_TO_ROUND4)
    answers = Answer.objects.filter(review__instrument_version="osri-r4")
    for row in answers.filter(question_code__in=list(PATTERNS)):
        if row.value != "NA":
            continue
        frequency = PATTERNS[row.question_code]
        if frequency:
            existing = answers.filter(review_id=row.review_id, question_code=frequency, participant_id=row.participant_id)
            if not [a for a in existing if a.value is not None]:
                if existing.exists():
                    existing.update(value="NA")
                else:
                    Answer.objects.create(
                        review_id=row.review_id, question_code=frequency, participant_id=row.participant_id, value="NA"
                    )
        if row.narrative:
            Answer.objects.filter(pk=row.pk).update(value=None)
        else:
            Answer.objects.filter(pk=row.pk).delete()
    foster_care = answers.filter(review__case__case_type="FOSTER_CARE", participant=None)
    for question, checklist in (("3E", "3E1"), ("3F", "3F1")):
        for row in foster_care.filter(question_code=question):
            if row.value != "NA":
                continue
            Answer.objects.filter(pk=row.pk).update(value="NO")
            boxes = foster_care.filter(review_id=row.review_id, question_code=checklist)
            if not [box for box in boxes if box.value]:
                if boxes.exists():
                    boxes.update(value=[NO_CONCERNS])
                else:
                    Answer.objects.create(review_id=row.review_id, question_code=checklist, value=[NO_CONCERNS])


def backwards(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Answer = apps.get_model("reviews", "Answer")
    _reletter(Review, ROUND4_TO_DRAFT)
    answers = Answer.objects.filter(review__instrument_version="osri-r4")
    for row in answers.filter(question_code__in=["3E1", "3F1", *WHY_NA]):
        if row.question_code in WHY_NA or row.value == [NO_CONCERNS]:
            if row.narrative:
                Answer.objects.filter(pk=row.pk).update(value=None)
            else:
                Answer.objects.filter(pk=row.pk).delete()
    for row in answers.filter(question_code="4A1"):
        rows = [
            {k: v for k, v in placement.items() if not (k == "change_reason" and v == "NA_CURRENT_PLACEMENT")}
            for placement in row.value or []
        ]
        if rows != row.value:
            Answer.objects.filter(pk=row.pk).update(value=rows)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0004_protect_users_who_acted'),
    ]

    operations = [
        migrations.AddField(
            model_name='participantrating',
            name='na_reason',
            field=models.CharField(blank=True, help_text='Why the person is not applicable (items 12B, 13, 15; Round 4 reason list), when the answer is NA.', max_length=32),
        ),
        migrations.AlterField(
            model_name='historicalreview',
            name='face_sheet',
            field=models.JSONField(blank=True, default=dict, help_text='Face Sheet fields by their Round 4 letter (A-N).'),
        ),
        migrations.AlterField(
            model_name='review',
            name='face_sheet',
            field=models.JSONField(blank=True, default=dict, help_text='Face Sheet fields by their Round 4 letter (A-N).'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
