"""Forms generated from the instrument: one small form per question (and per person).

No form is written by hand for an item: `answer_form(question, ...)` picks the field from the
question's kind. Each form cleans the posted text into the domain value the instrument expects
(a code string, a list of options, an int, an ISO date); the instrument's own rules are checked
afterwards by scoring.record_answers on the whole answer set.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from reviews.instrument.labels import option_label
from reviews.instrument.questions import (
    NA,
    NO,
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
        widget = forms.TextInput(
            attrs={"placeholder": "YYYY-MM-DD" + (" or " + " / ".join(question.options) if question.options else "")}
        )
        if not question.options:
            widget = forms.DateInput(attrs={"type": "date"})
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


ROLE_KEYS = {
    "CHILD": "c",
    "SIBLING": "s",
    "MOTHER": "m",
    "FATHER": "f",
    "FOSTER_PARENT": "fp",
    "CASEWORKER": "cw",
    "SUPERVISOR": "sv",
    "OTHER": "o",
}


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, label(r)) for r in ROLE_KEYS])
    label = forms.CharField(required=False, max_length=64, help_text="e.g. legal father, birth father, maternal aunt")
    name = forms.CharField(required=False, max_length=100, help_text="Synthetic data only.")
    target = forms.BooleanField(required=False, label="Target child (foster care)")


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
