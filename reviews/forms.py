"""Forms generated from the instrument: one small form per question (and per person).

No form is written by hand for an item: `answer_form(question, ...)` picks the field from the
question's kind. Each form cleans the posted text into the domain value the instrument expects
(a code string, a list of options, an int, an ISO date); the instrument's own rules are checked
afterwards by scoring.record_answers on the whole answer set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reviews.instrument.document import ETHNICITIES, RACES
from reviews.instrument.labels import option_label
from reviews.instrument.questions import (
    NA,
    NO,
    ROLES,
    VISIT_PATTERN_LABELS,
    YES,
    Column,
    FaceSheetField,
    Kind,
    Question,
    parse_date,
)

ANSWER_LABELS = {YES: "Yes", NO: "No", NA: "NA", **VISIT_PATTERN_LABELS}


def label(value: str) -> str:
    """Human label of a coded answer: YES -> Yes, FOSTER_NON_RELATIVE -> Foster family home: non-relative."""
    if value in ANSWER_LABELS:
        return ANSWER_LABELS[value]
    return option_label(value)


class DateOrOptionField(forms.CharField):
    """A date (YYYY-MM-DD) or one of a question's options (e.g. NA)."""

    def __init__(self, *, options: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.options = options
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        if value.upper() in self.options:
            return value.upper()
        if parse_date(value) is None:
            extra = f" or {', '.join(self.options)}" if self.options else ""
            raise forms.ValidationError(f"Enter a date as YYYY-MM-DD{extra}.")
        return value


class CodedDateWidget(forms.MultiWidget):
    """A date picker plus a choice of the codes that stand for a date (NA, Not yet discharged ...).

    The value is the ISO date, or the chosen code. Posted as <name>_0 (date) and <name>_1 (code);
    a plain <name> (a value shown back as typed) is read too.
    """

    template_name = "reviews/widgets/coded_date.html"

    def __init__(self, options: tuple[str, ...], attrs: dict[str, Any] | None = None) -> None:
        self.options = options
        choices = [("", "the date given"), *[(code, label(code)) for code in options]]
        super().__init__([forms.DateInput(attrs={"type": "date"}), forms.Select(choices=choices)], attrs)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        # The template lives with the project's templates (the form renderer only searches app folders).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def decompress(self, value: Any) -> list[Any]:
        if value in self.options:
            return ["", value]
        return [value or "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        day, code = super().value_from_datadict(data, files, name)
        return code or day


def question_field(question: Question, disabled: bool = False) -> forms.Field:
    """The form field for one question, chosen from its kind."""
    common: dict[str, Any] = {
        "required": False,
        "label": question.text,
        "help_text": question.reviewer_help,
        "disabled": disabled,
    }
    kind = question.kind
    if kind in (Kind.GATE, Kind.YN, Kind.YNNA, Kind.PATTERN, Kind.CHOICE):
        return forms.ChoiceField(choices=[(v, label(v)) for v in question.allowed], widget=forms.RadioSelect, **common)
    if kind is Kind.MULTI:
        return forms.MultipleChoiceField(
            choices=[(v, label(v)) for v in question.options], widget=forms.CheckboxSelectMultiple, **common
        )
    if kind is Kind.DATE:
        # Every date is picked the same way; a date that may be a code (NA, Not yet discharged) adds a choice.
        widget = CodedDateWidget(question.options) if question.options else forms.DateInput(attrs={"type": "date"})
        return DateOrOptionField(options=question.options, widget=widget, **common)
    if kind is Kind.INTEGER:
        return forms.IntegerField(min_value=question.minimum, **common)
    if kind is Kind.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common)
    raise ValueError(f"{kind} questions are edited with a structured editor")  # TABLE, EXCEPTIONS


def prefix_for(code: str, person: str | None) -> str:
    return f"q{code}-{person or 'case'}"


class AnswerForm(forms.Form):
    """One answer: the field named `value`, prefixed by question code and person."""

    def __init__(self, question: Question, person: str | None, *args: Any, disabled: bool = False, **kwargs: Any):
        super().__init__(*args, prefix=prefix_for(question.code, person), **kwargs)
        self.question = question
        self.person = person
        self.fields["value"] = question_field(question, disabled=disabled)
        # The question text and help are shown once above the people it is asked about.
        self.fields["value"].help_text = ""
        self.fields["value"].label = ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_labels = False
        inline = question.kind in (Kind.GATE, Kind.YN, Kind.YNNA) or (
            question.kind is Kind.CHOICE and len(question.options) <= 4
        )
        self.helper.layout = Layout(InlineRadios("value") if inline else "value")

    def answer(self) -> Any:
        """The cleaned domain value; None clears the answer."""
        value = self.cleaned_data.get("value")
        if value in ("", [], None):
            return None
        return value


def initial_for(question: Question, value: Any) -> Any:
    """What the form field shows for a stored value."""
    if value is None:
        return None
    if question.kind is Kind.MULTI:
        return list(value) if isinstance(value, list) else [value]
    return value


# --- Structured answers: tables (1A1, 4A1, 5B1) and the 5G1 exceptions ------------------------


def parse_table(question: Question, data: Any, prefix: str) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """Rows posted as `<prefix>-<row>-<column>`; empty rows are dropped. Returns (rows, errors)."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    numbers = sorted({int(k.split("-")[-2]) for k in data if k.startswith(prefix + "-") and k.split("-")[-2].isdigit()})
    for number in numbers:
        row: dict[str, Any] = {}
        for column in question.columns:
            text = (data.get(f"{prefix}-{number}-{column.name}") or "").strip()
            if not text:
                continue
            if column.kind is Kind.INTEGER:
                try:
                    row[column.name] = int(text)
                except ValueError:
                    errors.append(f"row {len(rows) + 1}: {column.name} must be a whole number")
                    continue
            else:
                row[column.name] = text
        if row:
            rows.append(row)
    return (rows or None), errors


def table_rows(question: Question, value: Any) -> list[list[tuple[Column, Any]]]:
    """Stored rows plus one blank row to add a new one."""
    rows = [row for row in (value or []) if isinstance(row, dict)]
    return [[(c, row.get(c.name, "")) for c in question.columns] for row in [*rows, {}]]


def parse_exceptions(question: Question, data: Any, prefix: str) -> tuple[Any, list[str]]:
    """5G1: NA for the block, or every exception YES/NO."""
    if data.get(f"{prefix}-NA"):
        return NA, []
    values = {option: data.get(f"{prefix}-{option}") or "" for option in question.options}
    if not any(values.values()):
        return None, []
    if not all(v in (YES, NO) for v in values.values()):
        return None, ["answer every exception YES or NO (or tick NA for the whole block)"]
    return values, []


# --- Face Sheet, participants, review creation, QA --------------------------------------------


def face_sheet_field(spec: FaceSheetField, disabled: bool = False) -> forms.Field:
    question = Question(spec.code, "", spec.label, spec.kind, spec.options, help=spec.help)
    return question_field(question, disabled=disabled)


class FaceSheetForm(forms.Form):
    def __init__(self, spec: FaceSheetField, *args: Any, disabled: bool = False, **kwargs: Any):
        super().__init__(*args, prefix=f"fs{spec.code}", **kwargs)
        self.spec = spec
        self.fields["value"] = face_sheet_field(spec, disabled=disabled)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        inline = spec.kind is Kind.CHOICE and len(spec.options) <= 4
        self.helper.layout = Layout(InlineRadios("value") if inline else "value")


class ParticipantForm(forms.Form):
    """Face Sheet F1 (children) and F2 (case participants): who they are and whether they were interviewed."""

    role = forms.ChoiceField(choices=[(r, label(r)) for r in ROLES])
    label = forms.CharField(
        required=False, max_length=64, label="Description", help_text="e.g. legal father, birth father, maternal aunt"
    )
    name = forms.CharField(required=False, max_length=100, help_text="First and last name (synthetic data only).")
    target = forms.BooleanField(required=False, label="Target child (foster care)")
    interviewed = forms.ChoiceField(
        required=False,
        choices=[("", "Not recorded"), ("YES", "Yes"), ("NO", "No")],
        label="Interviewed for the review",
    )
    relationship = forms.CharField(
        required=False,
        max_length=200,
        label="Relationship to the child",
        help_text="Whose parent, lives in the home, caregiver, contact.",
    )
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.CharField(required=False, max_length=40)
    race = forms.MultipleChoiceField(
        required=False, choices=[(r, label(r)) for r in RACES], widget=forms.CheckboxSelectMultiple
    )
    ethnicity = forms.ChoiceField(required=False, choices=[("", "Not recorded"), *[(e, label(e)) for e in ETHNICITIES]])

    # Stored in Participant.details under the interchange's participant keys (spec osri.md §9).
    DETAIL_FIELDS = ("name", "date_of_birth", "gender", "race", "ethnicity", "interviewed", "relationship")

    @classmethod
    def initial_for(cls, person) -> dict[str, Any]:
        return {"role": person.role, "label": person.label, "target": person.target, **person.details}

    def details(self) -> dict[str, Any]:
        """The cleaned demographics and interview flag, empty values left out."""
        result: dict[str, Any] = {}
        for name in self.DETAIL_FIELDS:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            result[name] = value.isoformat() if isinstance(value, dt.date) else value
        return result


class StartReviewForm(forms.Form):
    pur_start = forms.DateField(
        label="Period under review: first day (Face Sheet C)", widget=forms.DateInput(attrs={"type": "date"})
    )


class TransitionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The status the page showed: a page kept from before (Back) must not act on a newer status.
    expected_status = forms.CharField(required=False)


class NoteForm(forms.Form):
    question_code = forms.CharField(max_length=16)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="QA note")


class ReplyForm(forms.Form):
    reply = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Your reply")


class OverrideForm(forms.Form):
    key = forms.CharField(max_length=4)
    rating = forms.CharField(max_length=24)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
