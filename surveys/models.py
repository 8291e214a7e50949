"""Stakeholder feedback surveys: instruments, waves, invitations, responses.

Three kinds of data are kept deliberately apart:

- the instrument (Survey, Section, Question, Choice, MeasureTag), versioned and frozen once answered;
- who was asked (Contact, Invitation, InvitationLedger): names and addresses, plus keyed hashes
  that let the over-surveying guard recognise a person without storing the address again;
- what was answered (Response, Answer): no foreign key to the invitation or contact. While a
  respondent is still answering, the response is found again through `resume_key`, an HMAC of the
  invitation token; it is cleared on submission, so a submitted response cannot be joined back to
  a person.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import Agency, User

LANGUAGES = [("en", "English"), ("es", "Español")]

# Unambiguous characters for printable codes (no 0/O, 1/I/L): read aloud or typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

OSRI_ITEM_RE = re.compile(r"^item([1-9]|1[0-8])$")
METRIC_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class RespondentGroup(models.TextChoices):
    YOUTH = "youth", "Youth in care (12 and over)"
    RESOURCE = "resource", "Foster and resource parents"
    ADOPTIVE = "adoptive", "Adoptive parents"
    PARENT = "parent", "Parents and legal guardians"
    JO = "jo", "Juvenile officers"
    JUDGE = "judge", "Judges"


class FrozenSurveyError(ValidationError):
    """Raised when an answered survey version is edited; make a new version instead."""


class Survey(models.Model):
    """One version of the survey instrument for one respondent group."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for waves"
        RETIRED = "retired", "Retired"

    family = models.SlugField(
        max_length=64, help_text="Versions of the same instrument share a family (e.g. 'resource')."
    )
    version = models.PositiveIntegerField(default=1)
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)
    intro_en = models.TextField(blank=True, help_text="Who is asking and why; shown on the welcome page.")
    intro_es = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "-version"]
        constraints = [models.UniqueConstraint(fields=["family", "version"], name="survey_family_version_unique")]

    def __str__(self) -> str:
        return f"{self.title_en} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """A version with any response (even one in progress) can no longer be edited."""
        return self.pk is not None and self.responses.exists()

    def check_editable(self) -> None:
        if self.is_frozen:
            raise FrozenSurveyError(f"{self} already has responses and is frozen; make a new version to change it.")

    def title(self, language: str) -> str:
        return (self.title_es if language == "es" else "") or self.title_en

    def intro(self, language: str) -> str:
        return (self.intro_es if language == "es" else "") or self.intro_en

    def missing_translations(self) -> list[str]:
        """Every text of this version that has English but no Spanish, named for the admin."""
        missing: list[str] = []
        if self.title_en and not self.title_es:
            missing.append("Survey title: Spanish text missing")
        if self.intro_en and not self.intro_es:
            missing.append("Survey introduction: Spanish text missing")
        for section in self.sections.all():
            if not section.title_es:
                missing.append(f"Section {section.position} '{section.title_en}': Spanish title missing")
        for question in self.questions.prefetch_related("choices"):
            if not question.text_es:
                missing.append(f"Question {question.code}: Spanish text missing")
            if question.help_en and not question.help_es:
                missing.append(f"Question {question.code}: Spanish help text missing")
            for choice in question.choices.all():
                if not choice.label_es:
                    missing.append(f"Question {question.code}, choice {choice.value}: Spanish label missing")
        return missing

    def open_for_waves(self) -> None:
        """Open this version for fielding; refused while any Spanish text is missing."""
        missing = self.missing_translations()
        if missing:
            raise ValidationError(["This version cannot open until it is fully translated."] + missing)
        if not self.questions.exists():
            raise ValidationError("This version has no questions.")
        self.status = self.Status.OPEN
        self.save(update_fields=["status"])

    @transaction.atomic
    def new_version(self) -> Survey:
        """Copy this version (sections, questions, choices, tags, conditions) into a new draft."""
        latest = Survey.objects.filter(family=self.family).aggregate(v=Max("version"))["v"] or 0
        copy = Survey.objects.create(
            family=self.family,
            version=latest + 1,
            group=self.group,
            title_en=self.title_en,
            title_es=self.title_es,
            intro_en=self.intro_en,
            intro_es=self.intro_es,
        )
        section_map: dict[int, Section] = {}
        for section in self.sections.all():
            section_map[section.pk] = Section.objects.create(
                survey=copy, position=section.position, title_en=section.title_en, title_es=section.title_es
            )
        question_map: dict[int, Question] = {}
        # Questions are copied in order so a condition always points at an already-copied question.
        for question in self.questions.order_by("section__position", "position"):
            old_pk = question.pk
            condition = question.show_when_question_id
            tags = list(question.tags.values_list("code", flat=True))
            choices = list(question.choices.all())
            question.pk = None
            question.id = None
            question.survey = copy
            question.section = section_map[question.section_id]
            question.show_when_question = question_map.get(condition) if condition else None
            question.save()
            question_map[old_pk] = question
            for choice in choices:
                choice.pk = None
                choice.id = None
                choice.question = question
                choice.save()
            for code in tags:
                MeasureTag.objects.create(question=question, code=code)
        return copy


class Section(models.Model):
    """A group of questions shown on one page."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="section_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_en}"

    def save(self, *args, **kwargs) -> None:
        self.survey.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.survey.check_editable()
        return super().delete(*args, **kwargs)

    def title(self, language: str) -> str:
        return (self.title_es if language == "es" else "") or self.title_en


class Question(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement scale (with 'does not apply')"
        YES_NO = "yes_no", "Yes / no / not sure"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        NUMBER = "number", "Number"
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"

    CLOSED_KINDS = {Kind.AGREEMENT, Kind.YES_NO, Kind.SINGLE, Kind.MULTIPLE}
    TEXT_KINDS = {Kind.SHORT_TEXT, Kind.LONG_TEXT}

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(
        max_length=64,
        help_text="Stable across groups and versions: the same code means the same question (the common core).",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text_en = models.TextField()
    text_es = models.TextField(blank=True)
    help_en = models.CharField(max_length=300, blank=True)
    help_es = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    show_when_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
        help_text="Ask this question only when an earlier question was answered with the value below.",
    )
    show_when_value = models.CharField(max_length=64, blank=True)
    min_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique_per_survey")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_en[:60]}"

    def save(self, *args, **kwargs) -> None:
        self.survey.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.survey.check_editable()
        return super().delete(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.kind in self.CLOSED_KINDS

    def text(self, language: str) -> str:
        return (self.text_es if language == "es" else "") or self.text_en

    def help(self, language: str) -> str:
        return (self.help_es if language == "es" else "") or self.help_en

    def clean(self) -> None:
        if self.show_when_question_id:
            other = self.show_when_question
            if other.survey_id != self.survey_id:
                raise ValidationError({"show_when_question": "The condition must be a question of the same survey."})
            if (other.section.position, other.position) >= (self.section.position, self.position):
                raise ValidationError({"show_when_question": "The condition must be an earlier question."})
            if not self.show_when_value:
                raise ValidationError({"show_when_value": "Give the answer value that shows this question."})
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": "The maximum is below the minimum."})


class Choice(models.Model):
    """An answer option of a closed question, with its role in 'percent favourable'."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    value = models.SlugField(max_length=64)
    label_en = models.CharField(max_length=200)
    label_es = models.CharField(max_length=200, blank=True)
    favourable = models.BooleanField(default=False, help_text="Counts in the numerator of percent favourable.")
    counts_in_base = models.BooleanField(
        default=True, help_text="Off for 'does not apply': left out of the percent-favourable denominator."
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique")]

    def __str__(self) -> str:
        return self.label_en

    def save(self, *args, **kwargs) -> None:
        self.question.survey.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.question.survey.check_editable()
        return super().delete(*args, **kwargs)

    def label(self, language: str) -> str:
        return (self.label_es if language == "es" else "") or self.label_en


class MeasureTag(models.Model):
    """Links a closed question to a measure: a metric code (spec/metrics.md) or an OSRI item."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tags")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="measure_tag_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_osri_item(self) -> bool:
        return bool(OSRI_ITEM_RE.match(self.code))

    def clean(self) -> None:
        if self.question_id and not self.question.is_closed:
            raise ValidationError("Only closed questions can carry measure tags.")
        if self.code.startswith("item") and not OSRI_ITEM_RE.match(self.code):
            raise ValidationError({"code": "OSRI items are item1 .. item18."})
        if not METRIC_CODE_RE.match(self.code):
            raise ValidationError({"code": "A measure code is snake_case, e.g. worker_child_visits or item14."})


class Wave(models.Model):
    """One fielding of survey versions (one per group) for a date window, for one agency or all."""

    name = models.CharField(max_length=120)
    surveys = models.ManyToManyField(Survey, related_name="waves", help_text="One open version per group.")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_waves", help_text="Empty = all"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    guard_days = models.PositiveIntegerField(
        default=180, help_text="A person invited by any wave within this many days is not invited again."
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "The wave closes before it opens."})

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def audit_data(self) -> dict:
        """What the audit log keeps about a wave when it is created."""
        return {
            "agency": self.agency.code if self.agency_id else "all",
            "opens_on": self.opens_on.isoformat(),
            "closes_on": self.closes_on.isoformat(),
            "surveys": sorted(self.surveys.values_list("pk", flat=True)),
        }

    def survey_for(self, group: str) -> Survey | None:
        return next((s for s in self.surveys.all() if s.group == group), None)

    @property
    def groups(self) -> list[str]:
        return sorted({s.group for s in self.surveys.all()})


class ContactUpload(models.Model):
    """One uploaded contact list and how it was turned into invitations."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True, help_text="Recorded so the same draw can be repeated.")
    invited = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'upload'} ({self.invited} invited, {self.skipped} skipped)"


class Contact(models.Model):
    """Who was invited: kept only to send the invitation and reminders (never joined to answers)."""

    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"contact {self.pk}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Invitation(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="survey_invitations")
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    contact = models.OneToOneField(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation")
    upload = models.ForeignKey(ContactUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code)
    invited_on = models.DateField(default=date.today)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Whether the answers were sent, and nothing else: no time of opening or answering is kept,
    # so invitations cannot be lined up with responses (docs/surveys.md, "Anonymity").
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["wave", "agency__code", "group", "pk"]
        indexes = [models.Index(fields=["wave", "agency", "group"])]

    def __str__(self) -> str:
        return f"Invitation {self.printable_code} ({self.wave})"

    @property
    def printable_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def is_used(self) -> bool:
        return self.used

    def is_expired(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.wave.closes_on

    def is_not_yet_open(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) < self.wave.opens_on


class InvitationLedger(models.Model):
    """A keyed hash of a person's e-mail, phone or external id, and when they were invited.

    The over-surveying guard reads only this table, across all agencies; it outlives contact
    details, which can be purged once a wave is over.
    """

    person_key = models.CharField(max_length=64, db_index=True)
    invited_on = models.DateField()
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person_key", "invited_on"])]

    def __str__(self) -> str:
        return f"{self.person_key[:12]}… invited {self.invited_on}"


class SkippedContact(models.Model):
    """A row of an uploaded list that produced no invitation, and why."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="skipped_contacts")
    upload = models.ForeignKey(ContactUpload, on_delete=models.CASCADE, related_name="skipped_contacts")
    row_number = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["upload", "row_number"]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.reason}"


def random_response_key() -> int:
    """A random 62-bit key: response keys follow neither the order of opening nor of answering."""
    return secrets.randbits(62) or 1


class Response(models.Model):
    """One respondent's answers. Carries no link to the invitation or contact once submitted."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    id = models.BigIntegerField(primary_key=True, default=random_response_key, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="survey_responses")
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    language = models.CharField(max_length=2, choices=LANGUAGES, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    resume_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    last_page = models.PositiveSmallIntegerField(default=1)
    started_on = models.DateField(default=date.today)
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "pk"]
        indexes = [models.Index(fields=["wave", "agency", "group", "status"])]

    def __str__(self) -> str:
        return f"Response {self.pk} ({self.get_group_display()}, {self.agency.code})"


class Answer(models.Model):
    """A typed answer: a choice, several choices, a number or a text, never a stringified list."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    choices = models.ManyToManyField(Choice, blank=True, related_name="+")
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_per_question")]

    def __str__(self) -> str:
        return f"Answer to {self.question.code}"


class FollowUpRequest(models.Model):
    """A respondent asked to be contacted about their answers; seen only by the agency's QA lead."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="follow_ups")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="survey_follow_ups")
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    response = models.OneToOneField(Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    preferred_contact = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"Follow-up request {self.pk} ({self.agency.code})"

    @transaction.atomic
    def close(self, user: User) -> None:
        """Mark the request done by `user`, and audit it (the log names no respondent)."""
        self.status = self.Status.CLOSED
        self.closed_by = user
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_by", "closed_at"])
        log_action("surveys.follow_up.closed", user=user, obj=self, data={"wave": self.wave_id, "group": self.group})


class GuessAllowance(models.Model):
    """Failed token or code lookups of one caller (keyed hash of the address) in the current window.

    Counted with single conditional UPDATEs (surveys.public.take_guess), so parallel requests
    cannot all pass the check before any of them is counted.
    """

    client_key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField(default=timezone.now, db_index=True)
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.failures} failed lookup(s) since {self.window_start:%Y-%m-%d %H:%M}"


class ResultsVersion(models.Model):
    """One row (id 1) whose token names the state of the data the suppression pattern is computed from.

    Database triggers (migration 0006) replace the token with a new random value in every statement
    that inserts, updates or deletes a submitted response, an answer of a submitted response or a
    question (and on TRUNCATE, PostgreSQL), whatever does it: a respondent submitting, the admin, an
    import, a bulk update, raw SQL. A random value and not a counter, so that a rolled-back change or a
    restored backup never brings back a token that once named other data. surveys.results caches the
    pattern under this token; without the row (another database vendor, a flushed table) nothing is
    cached.
    """

    token = models.CharField(max_length=64)

    class Meta:
        db_table = "surveys_results_version"

    def __str__(self) -> str:
        return f"Survey results version {self.token}"
