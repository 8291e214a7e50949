"""Published quarterly reports: the working copy the team edits, and its frozen versions.

A `Report` is one quarter's report for one scope (statewide, or one agency). While it is a draft
its figures are read live from the stored results; the team's texts (introduction, successes,
challenges, commentary per measure, conclusion) are kept here. Submitting it for review freezes
the figures into `review_snapshot`; publishing turns that snapshot into a `ReportVersion`, which
never changes again. Re-issuing opens a new draft whose publication becomes version 2, with its
reason; version 1 stays readable. The rules live in reports/publishing.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Agency


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    quarter = models.CharField(max_length=6, help_text="The calendar quarter, e.g. 2023Q3.")
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
        help_text="Empty for the statewide report.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The team's texts (see reports.document.default_texts for the shape and the defaults).
    texts = models.JSONField(default=dict)
    reissue_reason = models.TextField(blank=True, help_text="Why the next version is issued (version 2 onwards).")
    review_snapshot = models.JSONField(
        null=True, blank=True, help_text="The figures and texts as submitted for review: what publishing publishes."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_edited_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarter", "agency__code"]
        constraints = [
            # One report per quarter and scope; NULL agencies are distinct in a plain unique
            # constraint, hence the statewide one on its own.
            models.UniqueConstraint(
                fields=["quarter", "agency"], condition=Q(agency__isnull=False), name="report_one_per_agency"
            ),
            models.UniqueConstraint(fields=["quarter"], condition=Q(agency__isnull=True), name="report_one_statewide"),
        ]

    def __str__(self) -> str:
        return f"Quarterly report {self.quarter} {self.scope_parameter}"

    @property
    def scope_parameter(self) -> str:
        return self.agency.code if self.agency_id else "all"

    @property
    def latest_version(self) -> ReportVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def next_version_number(self) -> int:
        last = self.versions.aggregate(n=models.Max("number"))["n"]
        return (last or 0) + 1


class ReportVersion(models.Model):
    """A published version: a frozen snapshot of figures, sentences, charts and texts."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.TextField(blank=True, help_text="Why this version was issued (empty for version 1).")
    snapshot = models.JSONField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", help_text="The last editor."
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} version {self.number}"

    @property
    def agency(self) -> Agency | None:
        return self.report.agency


class RenderedFile(models.Model):
    """A published version's PDF or Word file, rendered once: the snapshot never changes, and a
    50-page PDF takes seconds to lay out."""

    KEPT = ("pdf", "docx")

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "format"], name="rendered_file_unique")]

    def __str__(self) -> str:
        return f"{self.version} ({self.format})"


class PreparedFile(models.Model):
    """A draft's PDF or Word file, rendered in the background (reports.prepared) from exactly the
    snapshot whose digest it keeps. One per report and format: a newer digest replaces the entry."""

    KEPT = ("pdf", "docx")

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="prepared_files")
    format = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the snapshot (without its time of making).")
    snapshot = models.JSONField(help_text="The snapshot the file is rendered from.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="prepared_file_one_per_format")]

    def __str__(self) -> str:
        return f"{self.report} draft {self.format} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


# --------------------------------------------------------------------------------------------
# Cases linked to the extract (issue 16). The link lives here, on the top floor: reviews never
# learns about the extract. Child and episode are kept as the extract names them (text ids), so a
# link survives the import of a newer extract.
# --------------------------------------------------------------------------------------------


class CaseExtractLink(models.Model):
    """A review case is this child (and removal episode) of the extract."""

    case = models.OneToOneField("reviews.Case", on_delete=models.CASCADE, related_name="extract_link")
    child_id = models.CharField(max_length=64, db_index=True, help_text="The extract's child_id.")
    episode_id = models.CharField(max_length=64, blank=True, help_text="The extract's episode_id (may be empty).")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now=True)
    source = models.CharField(
        max_length=16,
        choices=[("sample", "Drawn from the extract"), ("hand", "Set by hand"), ("demo", "Demo data")],
        default="hand",
    )

    class Meta:
        ordering = ["case__case_id"]

    def __str__(self) -> str:
        return f"{self.case} -> child {self.child_id}"

    @property
    def agency(self) -> Agency:
        return self.case.agency


class ExtractCheckNote(models.Model):
    """The reviewer's (or QA's) word on why the review and the extract differ on one check."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="extract_notes")
    check_key = models.CharField(max_length=32, help_text="The comparison, e.g. 14-visits or 4-count.")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "check_key"]
        constraints = [models.UniqueConstraint(fields=["review", "check_key"], name="extract_note_one_per_check")]

    def __str__(self) -> str:
        return f"{self.review}: {self.check_key}"

    @property
    def agency(self) -> Agency:
        return self.review.case.agency


class ExtractSample(models.Model):
    """A review sample drawn from the extract: the frame it was drawn from, kept so the draw and
    every replacement can be repeated (reviews.sampling asks reports for it through its frame hook)."""

    sample = models.OneToOneField("reviews.Sample", on_delete=models.CASCADE, related_name="extract_frame")
    extract_id = models.CharField(max_length=64)
    extract_as_of = models.DateField()
    agency_codes = models.JSONField(default=list, help_text="The agencies whose children form the frame.")
    frame = models.JSONField(default=list, help_text="Case ids (= the extract's child ids) of the frame.")

    def __str__(self) -> str:
        return f"{self.sample} from {self.extract_id}"
