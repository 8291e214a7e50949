"""Who is invited: contact-list upload, optional random sample, and the over-surveying guard.

Rules
- The CSV has a header row with the columns group, agency, name, email, phone, external_id
  (any order, case-insensitive; name and external_id may be empty). The header is row 1, so the
  first contact is row 2, as a spreadsheet shows it.
- Every row is checked first; if any row is wrong, nothing is saved and every problem is
  reported as "Row N, field: rule".
- The same person twice in one file (same e-mail, phone or external id) is invited once; the
  later rows are skipped with the reason.
- A sample of a stated size is drawn from the valid rows with a recorded seed: the same file and
  seed give the same draw.
- Over-surveying guard: a person invited by any wave, for any agency, fewer than `guard_days`
  days ago is not invited again; the row is kept as a skipped contact with the reason.
"""

from __future__ import annotations

import csv
import io
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import Agency, User
from accounts.scoping import agency_ids_with_capability
from surveys.identity import EMAIL_RE, normalize_email, normalize_phone, person_keys
from surveys.models import (
    Contact,
    ContactUpload,
    Invitation,
    InvitationLedger,
    RespondentGroup,
    SkippedContact,
    Wave,
)

COLUMNS = ("group", "agency", "name", "email", "phone", "external_id")
REQUIRED_COLUMNS = ("group", "agency", "email", "phone")
MAX_ROWS = 20000
# The longest value each column may hold (the database columns; a phone number is read loosely).
MAX_LENGTH = {"group": 16, "agency": 16, "name": 200, "email": 254, "phone": 30, "external_id": 64}
# C0 controls (NUL, escape, tab, line breaks) and DEL: never part of a name, address or code.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}, {self.field}: {self.message}"


@dataclass
class ContactRow:
    row: int
    group: str
    agency: Agency
    name: str
    email: str
    phone: str
    external_id: str
    keys: list[str] = field(default_factory=list)


@dataclass
class UploadOutcome:
    upload: ContactUpload | None = None
    errors: list[RowError] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    skipped: list[SkippedContact] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def shown(value: str, limit: int = 40) -> str:
    """A value quoted back in a message, cut short: a hostile 200 KB field is not echoed whole."""
    return value if len(value) <= limit else value[:limit] + "…"


def control_character(value: str) -> str | None:
    """The first control character (NUL, escape, line break …) in a value, as U+XXXX."""
    found = CONTROL_RE.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def read_rows(text: str) -> tuple[list[dict[str, str]], list[RowError]]:
    """Parse CSV text into dicts keyed by lower-case column name; report a bad header or file."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[dict[str, str]] = []
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if not header:
            return [], [RowError(0, "header", "the file is empty; expected a header row: " + ", ".join(COLUMNS))]
        if missing:
            return [], [RowError(1, "header", f"missing column(s): {', '.join(shown(m) for m in missing)}")]
        for raw in reader:
            rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None})
            if len(rows) > MAX_ROWS:
                return [], [RowError(0, "rows", f"more than {MAX_ROWS} contacts; split the list")]
    except csv.Error as exc:
        # The csv module's own limits (a field over csv.field_size_limit(), a broken quote).
        problem = str(exc)
        if "field larger than field limit" in problem:
            problem = f"a field is longer than {csv.field_size_limit()} characters"
        return [], [RowError(len(rows) + 2, "csv", f"{problem} (line {reader.line_num})")]
    return rows, []


def validate_rows(rows: list[dict[str, str]], wave: Wave, user: User | None) -> tuple[list[ContactRow], list[RowError]]:
    """Check every row against the wave and the uploader's agencies; return rows or all errors."""
    agencies = {a.code.upper(): a for a in Agency.objects.all()}
    allowed_ids = agency_ids_with_capability(user, "surveys.manage") if user is not None else None
    groups = set(wave.groups)
    valid_groups = ", ".join(RespondentGroup.values)
    contacts: list[ContactRow] = []
    errors: list[RowError] = []
    if not rows:
        errors.append(RowError(0, "rows", "the file has no contact rows"))
    for number, row in enumerate(rows, start=2):
        row_errors: list[RowError] = []
        group = row.get("group", "").lower()
        if not group:
            row_errors.append(RowError(number, "group", "required"))
        elif group not in RespondentGroup.values:
            row_errors.append(RowError(number, "group", f"'{shown(group)}' is not a respondent group ({valid_groups})"))
        elif group not in groups:
            row_errors.append(RowError(number, "group", f"this wave has no survey for '{shown(group)}'"))
        code = row.get("agency", "").upper()
        agency = agencies.get(code)
        if not code:
            row_errors.append(RowError(number, "agency", "required"))
        elif agency is None:
            row_errors.append(RowError(number, "agency", f"'{shown(code)}' is not an agency code"))
        elif wave.agency_id and agency.pk != wave.agency_id:
            row_errors.append(RowError(number, "agency", f"this wave is for {wave.agency.code} only"))
        elif allowed_ids is not None and agency.pk not in allowed_ids:
            row_errors.append(RowError(number, "agency", f"you may not invite contacts for {code}"))
        email, phone = row.get("email", ""), row.get("phone", "")
        if not email and not phone:
            row_errors.append(RowError(number, "email", "give an e-mail address or a phone number"))
        if len(email) > MAX_LENGTH["email"]:
            pass  # reported below with the other lengths
        elif email and not EMAIL_RE.match(normalize_email(email)):
            row_errors.append(RowError(number, "email", f"'{shown(email)}' is not a valid e-mail address"))
        if phone and len(phone) <= MAX_LENGTH["phone"] and not normalize_phone(phone):
            row_errors.append(RowError(number, "phone", f"'{shown(phone)}' is not a 10-digit US phone number"))
        for column in COLUMNS:
            value = row.get(column, "")
            if len(value) > MAX_LENGTH[column]:
                row_errors.append(RowError(number, column, f"longer than {MAX_LENGTH[column]} characters"))
            bad = control_character(value)
            if bad:
                row_errors.append(RowError(number, column, f"contains a control character ({bad}); remove it"))
        if row_errors:
            errors.extend(row_errors)
            continue
        contacts.append(
            ContactRow(
                row=number,
                group=group,
                agency=agency,
                name=row.get("name", ""),
                email=normalize_email(email) if email else "",
                phone=normalize_phone(phone) if phone else "",
                external_id=row.get("external_id", ""),
                keys=person_keys(email, phone, row.get("external_id", "")),
            )
        )
    return contacts, errors


def draw_sample(contacts: list[ContactRow], size: int, seed: int) -> list[ContactRow]:
    """A reproducible simple random sample: same rows and seed, same draw (kept in file order)."""
    if size >= len(contacts):
        return list(contacts)
    drawn = random.Random(seed).sample(contacts, size)
    return sorted(drawn, key=lambda c: c.row)


def recently_invited(keys: list[str], today: date, guard_days: int) -> date | None:
    """The latest date within the guard window on which any of these keys was invited."""
    if not keys or guard_days <= 0:
        return None
    since = today - timedelta(days=guard_days)
    latest = (
        InvitationLedger.objects.filter(person_key__in=keys, invited_on__gt=since, invited_on__lte=today)
        .order_by("-invited_on")
        .values_list("invited_on", flat=True)
        .first()
    )
    return latest


def upload_contacts(
    wave: Wave,
    text: str,
    user: User | None,
    *,
    filename: str = "",
    sample_size: int | None = None,
    seed: int | None = None,
    today: date | None = None,
) -> UploadOutcome:
    """Validate a contact list and create the wave's invitations, all or nothing."""
    today = today or timezone.localdate()
    rows, errors = read_rows(text)
    if errors:
        return UploadOutcome(errors=errors)
    contacts, errors = validate_rows(rows, wave, user)
    if sample_size is not None and sample_size < 1:
        errors.append(RowError(0, "sample size", "must be at least 1"))
    if errors:
        return UploadOutcome(errors=errors)

    with transaction.atomic():
        # Serialise uploads per wave so two at once cannot both pass the guard for one person.
        Wave.objects.select_for_update().get(pk=wave.pk)
        if sample_size is not None and seed is None:
            seed = secrets.randbits(31)
        upload = ContactUpload.objects.create(
            wave=wave,
            uploaded_by=user,
            filename=filename[:200],
            rows_total=len(contacts),
            sample_size=sample_size,
            seed=seed if sample_size is not None else None,
        )
        chosen = draw_sample(contacts, sample_size, seed) if sample_size is not None else contacts
        outcome = UploadOutcome(upload=upload)
        seen: dict[str, int] = {}
        surveys = {s.group: s for s in wave.surveys.all()}
        for contact in chosen:
            reason = ""
            earlier_row = next((seen[k] for k in contact.keys if k in seen), None)
            if earlier_row is not None:
                reason = f"same person as row {earlier_row} of this file"
            else:
                invited_on = recently_invited(contact.keys, today, wave.guard_days)
                if invited_on is not None:
                    reason = (
                        f"already invited on {invited_on.isoformat()} by a survey wave; "
                        f"not invited again within {wave.guard_days} days"
                    )
            if reason:
                outcome.skipped.append(
                    SkippedContact.objects.create(
                        wave=wave,
                        upload=upload,
                        row_number=contact.row,
                        name=contact.name[:200],
                        agency=contact.agency,
                        group=contact.group,
                        reason=reason,
                    )
                )
                continue
            for key in contact.keys:
                seen[key] = contact.row
            person = Contact.objects.create(
                name=contact.name, email=contact.email, phone=contact.phone, external_id=contact.external_id
            )
            invitation = Invitation.objects.create(
                wave=wave,
                survey=surveys[contact.group],
                agency=contact.agency,
                group=contact.group,
                contact=person,
                upload=upload,
                invited_on=today,
            )
            InvitationLedger.objects.bulk_create(
                InvitationLedger(person_key=key, invited_on=today, wave=wave, agency=contact.agency)
                for key in contact.keys
            )
            outcome.invitations.append(invitation)
        upload.invited = len(outcome.invitations)
        upload.skipped = len(outcome.skipped)
        upload.save(update_fields=["invited", "skipped"])
        # Counts only: the list's names, addresses and file name stay out of the audit log.
        log_action(
            "surveys.contacts.uploaded",
            user=user,
            obj=wave,
            data={
                "upload": upload.pk,
                "rows": upload.rows_total,
                "invited": upload.invited,
                "skipped": upload.skipped,
                "sample_size": upload.sample_size,
                "seed": upload.seed,
            },
        )
    return outcome
