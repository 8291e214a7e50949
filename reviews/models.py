"""Case reviews: cases, reviews entered with the OSRI, their answers and the stored ratings.

Ratings are stored rows (ItemRating, OutcomeRating, ParticipantRating) so reports aggregate them
in SQL; `reviews.scoring.rescore` recomputes them in one transaction whenever answers change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Agency, County
from reviews.instrument import CURRENT_VERSION
from reviews.instrument.items import ITEM_RATING_LABELS
from reviews.instrument.outcomes import OUTCOME_RATING_LABELS
from reviews.instrument.questions import ROLES, Aspect, Slot


class CaseType(models.TextChoices):
    FOSTER_CARE = "FOSTER_CARE", "Foster care"
    IN_HOME = "IN_HOME", "In-home services"
    IN_HOME_DR_AR = "IN_HOME_DR_AR", "In-home services (differential / alternative response)"


class ItemRatingValue(models.TextChoices):
    STRENGTH = "STRENGTH", ITEM_RATING_LABELS["STRENGTH"]
    ANI = "ANI", ITEM_RATING_LABELS["ANI"]
    NA = "NA", ITEM_RATING_LABELS["NA"]
    INCOMPLETE = "INCOMPLETE", ITEM_RATING_LABELS["INCOMPLETE"]


class OutcomeRatingValue(models.TextChoices):
    SUBSTANTIALLY_ACHIEVED = "SUBSTANTIALLY_ACHIEVED", OUTCOME_RATING_LABELS["SUBSTANTIALLY_ACHIEVED"]
    PARTIALLY_ACHIEVED = "PARTIALLY_ACHIEVED", OUTCOME_RATING_LABELS["PARTIALLY_ACHIEVED"]
    NOT_ACHIEVED = "NOT_ACHIEVED", OUTCOME_RATING_LABELS["NOT_ACHIEVED"]
    NA = "NA", OUTCOME_RATING_LABELS["NA"]
    INCOMPLETE = "INCOMPLETE", OUTCOME_RATING_LABELS["INCOMPLETE"]


class Case(models.Model):
    """A foster care child or in-home family drawn into a review sample."""

    case_id = models.CharField(max_length=32, unique=True, help_text="The case number used by the agency.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="cases", null=True, blank=True)
    case_type = models.CharField(max_length=16, choices=CaseType.choices)
    # The sampling frame: a case belongs to a quarter's population while it is open.
    opened_on = models.DateField(null=True, blank=True, help_text="Case opening (or entry into care).")
    closed_on = models.DateField(null=True, blank=True, help_text="Case closure; empty while open.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id"]

    def __str__(self) -> str:
        return self.case_id


class Review(models.Model):
    """One OSRI review of a case for one period under review."""

    class Status(models.TextChoices):
        # Spec osri.md §5.4; the reviewer edits only in IN_PROGRESS and RETURNED.
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted for QA"
        FIRST_LEVEL_QA = "first_level_qa", "In first-level QA"
        RETURNED = "returned", "Returned to reviewer"
        APPROVED = "approved", "Approved"
        SECOND_LEVEL_QA = "second_level_qa", "In second-level QA"
        FINALIZED = "finalized", "Finalized"
        ELIMINATED = "eliminated", "Eliminated"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    instrument_version = models.CharField(
        max_length=16,
        default=CURRENT_VERSION,
        help_text="The instrument the review was entered with and is scored with.",
    )
    pur_start = models.DateField("period under review: start")
    pur_end = models.DateField(
        "period under review: end", null=True, blank=True, help_text="Face Sheet E: set on first submission to QA."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="assigned_reviews", blank=True)
    face_sheet = models.JSONField(
        default=dict, blank=True, help_text="Face Sheet fields by their Round 4 letter (A-N)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Incremented on every change; used for optimistic locking."
    )
    calibration = models.BooleanField(
        default=False,
        help_text="One of the two blind reviews of a calibration case (DualReview): kept for agreement "
        "statistics, never counted in summaries or reports.",
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-pur_start", "case__case_id"]
        constraints = [
            # The two blind calibration reviews of a case share its period under review.
            models.UniqueConstraint(
                fields=["case", "pur_start"], condition=Q(calibration=False), name="review_one_per_case_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.case_id} ({self.pur_start:%Y-%m-%d})"

    @property
    def agency(self) -> Agency:
        return self.case.agency

    @property
    def case_type(self) -> str:
        return self.case.case_type

    def claim_version(self, expected: int, touch: bool = False) -> bool:
        """Optimistic lock: bump the version only if nobody saved since `expected` was read.

        `touch` also sets updated_at (an answer save), in the same statement."""
        changes: dict = {"version": F("version") + 1}
        if touch:
            changes["updated_at"] = timezone.now()
        updated = Review.objects.filter(pk=self.pk, version=expected).update(**changes)
        if updated:
            self.version = expected + 1
        return bool(updated)


class Participant(models.Model):
    """A child (Face Sheet F1) or case participant (F2). Several people may share a role."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="participants")
    key = models.CharField(max_length=16, help_text="Slot label used by per-person answers, e.g. f2.")
    role = models.CharField(max_length=16, choices=[(r, r.replace("_", " ").title()) for r in ROLES])
    target = models.BooleanField(default=False, help_text="The target child of a foster care case.")
    label = models.CharField(max_length=64, blank=True, help_text="e.g. legal father, birth father.")
    details = models.JSONField(default=dict, blank=True, help_text="Name, date of birth, interviewed, relationship.")

    class Meta:
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="participant_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.role})"


class Answer(models.Model):
    """One answer to one question, for the case or for one participant; edits are audited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question_code = models.CharField(max_length=16)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    value = models.JSONField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    # Set when a change elsewhere (a participant removed) may have made this answer wrong; it blocks
    # submission until the reviewer answers the question again or keeps the answer as it is.
    needs_review = models.BooleanField(default=False)
    needs_review_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "question_code", "participant"],
                condition=Q(participant__isnull=False),
                name="answer_unique_per_person",
            ),
            models.UniqueConstraint(
                fields=["review", "question_code"], condition=Q(participant__isnull=True), name="answer_unique_per_case"
            ),
        ]

    def __str__(self) -> str:
        who = f" [{self.participant.key}]" if self.participant_id else ""
        return f"{self.question_code}{who} = {self.value}"


class RatingOverride(models.Model):
    """Calculated value, QA override and the effective value (spec §3.x)."""

    calculated = models.CharField(max_length=24)
    override = models.CharField(max_length=24, blank=True)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who overrode, as imported when the user is not known here."
    )
    override_at = models.DateTimeField(null=True, blank=True)
    effective = models.CharField(max_length=24)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def is_overridden(self) -> bool:
        return bool(self.override)


class ItemRating(RatingOverride):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="item_ratings")
    item = models.CharField(max_length=4, help_text="1-18, or 12A/12B/12C.")
    # Overrides and rating changes are audited; rows are only written when a value changes.
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="item_rating_unique")]
        indexes = [models.Index(fields=["item", "effective"])]

    def __str__(self) -> str:
        return f"item {self.item}: {self.effective}"


class OutcomeRating(RatingOverride):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="outcome_ratings")
    outcome = models.CharField(max_length=4, help_text="S1, S2, P1, P2, WB1, WB2, WB3.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "outcome"], name="outcome_rating_unique")]
        indexes = [models.Index(fields=["outcome", "effective"])]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.effective}"


class ParticipantRating(models.Model):
    """One person's answer on one aspect (frequency, quality ...), e.g. father visit frequency.

    Reports count `applicable` rows per item/slot/aspect: "father frequency sufficient in 5 of 30".
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="participant_ratings")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
        help_text="Empty when answered once for a role shared by several people.",
    )
    slot = models.CharField(max_length=8, choices=[(s.value, s.value.title()) for s in Slot])
    item = models.CharField(max_length=4)
    question_code = models.CharField(max_length=16)
    aspect = models.CharField(max_length=16, choices=[(a.value, a.value.title()) for a in Aspect])
    answer = models.CharField(max_length=4)
    applicable = models.BooleanField(help_text="The answer is YES or NO (NA is not counted).")
    sufficient = models.BooleanField(help_text="The answer is YES.")
    na_reason = models.CharField(
        max_length=32,
        blank=True,
        help_text="Why the person is not applicable (items 12B, 13, 15; Round 4 reason list), when the answer is NA.",
    )

    class Meta:
        ordering = ["review", "id"]
        indexes = [models.Index(fields=["item", "slot", "aspect"])]

    def __str__(self) -> str:
        return f"{self.question_code} {self.slot} {self.aspect}: {self.answer}"


class QANote(models.Model):
    """A QA comment anchored on a question (or item), answered by the reviewer, resolved by QA."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="qa_notes")
    question_code = models.CharField(max_length=16, help_text="Question code or item key the note is about.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_notes")
    text = models.TextField()
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "created_at", "id"]
        verbose_name = "QA note"

    def __str__(self) -> str:
        return f"{self.question_code}: {self.text[:40]}"


class Sample(models.Model):
    """A reproducible random draw of cases for one quarter: the seed and parameters are kept."""

    quarter = models.CharField(max_length=6, help_text="e.g. 2023Q3")
    seed = models.BigIntegerField()
    site_circuits = models.JSONField(default=list, help_text="Circuit numbers of the review sites.")
    site_size = models.PositiveIntegerField(help_text="Cases drawn from the sites.")
    statewide_size = models.PositiveIntegerField(default=0, help_text="Cases drawn from the rest of the state.")
    case_types = models.JSONField(default=list, help_text="Case types in the population.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-quarter", "-created_at"]

    def __str__(self) -> str:
        return f"{self.quarter} sample (seed {self.seed})"


class SampleCase(models.Model):
    """A case drawn into a sample; eliminated cases stay, with the reason and their replacement."""

    class EliminationReason(models.TextChoices):
        # Spec osri.md §1.5: document the reason before removing a case from the sample.
        PARTICIPANTS_UNAVAILABLE = "participants_unavailable", "Key participants unavailable or unwilling"
        IN_HOME_OPEN_TOO_BRIEFLY = "in_home_open_too_briefly", "In-home case open less than 45 days"
        IN_HOME_CHILD_IN_CARE = "in_home_child_in_care", "In-home case where a child was in foster care"
        IN_CARE_UNDER_24_HOURS = "in_care_under_24_hours", "Foster care case in care less than 24 hours"
        TRIAL_HOME_VISIT = "trial_home_visit", "Trial home visit situation"
        OTHER = "other", "Other (explain)"

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sample_entries")
    stratum = models.CharField(max_length=48, help_text="circuit 16 / FOSTER_CARE, or statewide / IN_HOME.")
    draw_order = models.PositiveIntegerField(help_text="Position in the stratum's random order.")
    eliminated = models.BooleanField(default=False)
    elimination_reason = models.CharField(max_length=32, choices=EliminationReason.choices, blank=True)
    elimination_note = models.TextField(blank=True)
    eliminated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eliminated_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The eliminated case this one replaces.",
    )

    class Meta:
        ordering = ["sample", "stratum", "draw_order"]
        constraints = [models.UniqueConstraint(fields=["sample", "case"], name="sample_case_unique")]

    def __str__(self) -> str:
        return f"{self.case.case_id} in {self.sample}"


class ReviewStatusChange(models.Model):
    """One workflow transition of a review (reviews.workflow.transition writes these)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=24, help_text="The workflow action, e.g. submit, return, approve.")
    from_status = models.CharField(max_length=20, choices=Review.Status.choices)
    to_status = models.CharField(max_length=20, choices=Review.Status.choices)
    # Who approved, returned, finalized ...: users who acted are deactivated, never deleted (PROTECT).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.from_status} -> {self.to_status}"


class CalibrationRound(models.Model):
    """A reproducible calibration subsample of a quarter's sample: a share or a count, and the seed.

    Drawing again with the recorded seed from the same sample gives the same cases
    (reviews.calibration.draw). Its cases are the DualReview rows pointing at it.
    """

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="calibration_rounds")
    seed = models.BigIntegerField()
    share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Share of the sample's cases drawn, e.g. 0.100 (or give a count).",
    )
    count = models.PositiveIntegerField(null=True, blank=True, help_text="Number of cases drawn (or give a share).")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(share__isnull=False) & Q(count__isnull=True))
                | (Q(share__isnull=True) & Q(count__isnull=False)),
                name="calibration_round_share_or_count",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gt=0) & Q(share__lte=1)),
                name="calibration_round_share_range",
            ),
        ]

    def __str__(self) -> str:
        size = f"share {self.share}" if self.share is not None else f"{self.count} cases"
        return f"calibration of {self.sample} ({size}, seed {self.seed})"


class DualReview(models.Model):
    """A calibration case: two blind reviews of one case by two different reviewers.

    Drawn in a CalibrationRound, or marked singly (round empty). The two reviews are started
    together (reviews.calibration.start_dual_review) and are Review rows with calibration=True;
    neither side sees the other until both are submitted (reviews.calibration.may_see). The
    consensus, produced in reconciliation, is an ordinary review: the one that counts.
    """

    quarter = models.CharField(max_length=6, help_text="The quarter of the sample, e.g. 2023Q3.")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="dual_reviews")
    round = models.ForeignKey(
        CalibrationRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The draw that chose the case; empty when the case was marked singly.",
    )
    draw_order = models.PositiveIntegerField(null=True, blank=True, help_text="Position in the round's random order.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)
    first = models.OneToOneField(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="dual_as_first")
    second = models.OneToOneField(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="dual_as_second"
    )
    consensus = models.OneToOneField(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="dual_as_consensus"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    # Reconciliation (reviews.reconciliation): the QA lead's choice per differing answer, kept while the
    # reconciliation is half done: {"<code>" or "<code>|<person>": {"take": "A"|"B"|"new", "value", "note"}}.
    choices = models.JSONField(default=dict, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["quarter", "case__case_id"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "case"], name="dual_review_once_per_quarter"),
            models.CheckConstraint(
                condition=Q(first__isnull=True) | ~Q(first=F("second")), name="dual_review_two_reviews"
            ),
            models.CheckConstraint(
                condition=(Q(first__isnull=True) & Q(second__isnull=True))
                | (Q(first__isnull=False) & Q(second__isnull=False)),
                name="dual_review_started_together",
            ),
        ]

    def __str__(self) -> str:
        return f"dual review of {self.case.case_id} ({self.quarter})"
