"""A quarter's review sample drawn from the current extract (issue 16, part 1).

The frame is the current extract's children in foster care on at least one day of the quarter whose
responsible agency (metrics ResponsibilitySpan, on the last day of the quarter they were in care) is one
of the chosen agencies. Each frame child becomes a review case (case id = the extract's child id, or
the case already linked to that child), linked to the child and the episode, and the frame's case ids
are kept with the sample (ExtractSample). The draw itself is reviews.sampling's: the same strata by
site circuit, the same seeded order, the same elimination log and replacements, through its frame hook.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import transaction

from accounts.audit import log_action
from accounts.models import Agency, County, User
from metrics.models import Extract, RemovalEpisode, ResponsibilitySpan
from reports.models import CaseExtractLink, ExtractSample
from reviews.models import Case, CaseType, Sample
from reviews.sampling import Quarter, SamplingError, draw_sample

__all__ = ["SamplingError", "build_frame", "draw_from_extract", "frame_hook", "link_problems"]

MAX_CASE_ID = Case._meta.get_field("case_id").max_length


def current_extract() -> Extract | None:
    return Extract.objects.filter(is_current=True).first()


def frame_children(quarter: Quarter, agency_codes: list[str]) -> dict[str, dict]:
    """child_id -> {agency_code, county_fips, episode_id} for the quarter's children in care (set-based)."""
    first, last = quarter.start.toordinal(), quarter.end.toordinal()
    spans = (
        ResponsibilitySpan.objects.filter(start_day__lte=last, end_day__gte=first)
        .order_by("child_id", "start_day")
        .values_list("child_id", "episode_id", "agency_code", "county_fips")
    )
    latest: dict[str, tuple] = {}
    for child_id, episode_id, agency_code, county_fips in spans:
        latest[child_id] = (episode_id, agency_code, county_fips)  # ordered: the last span of the quarter wins
    return {
        child: {"episode_id": episode, "agency_code": agency, "county_fips": county}
        for child, (episode, agency, county) in latest.items()
        if agency in agency_codes
    }


@transaction.atomic
def build_frame(quarter: Quarter, agencies: list[Agency], user: User | None = None) -> list[str]:
    """Create the cases (and links) of the frame's children; return the frame's case ids, sorted."""
    codes = {a.code: a for a in agencies}
    children = frame_children(quarter, list(codes))
    episodes = {
        e["episode_id"]: e
        for e in RemovalEpisode.objects.filter(episode_id__in=[c["episode_id"] for c in children.values()]).values(
            "episode_id", "removal_date", "discharge_date"
        )
    }
    linked = {
        link.child_id: link.case
        for link in CaseExtractLink.objects.filter(child_id__in=list(children)).select_related("case")
    }
    existing = {c.case_id: c for c in Case.objects.filter(case_id__in=list(children))}
    counties = set(County.objects.values_list("fips", flat=True))
    frame, new_cases, new_links = [], [], []
    for child_id, row in sorted(children.items()):
        agency = codes[row["agency_code"]]
        case = linked.get(child_id) or existing.get(child_id)
        if case is not None:
            if case.agency_id != agency.pk or case.case_type != CaseType.FOSTER_CARE:
                continue  # another agency's (or an in-home) case under the same number: left alone
        elif len(child_id) > MAX_CASE_ID:
            continue
        else:
            episode = episodes.get(row["episode_id"], {})
            case = Case(
                case_id=child_id,
                agency=agency,
                county_id=row["county_fips"] if row["county_fips"] in counties else None,
                case_type=CaseType.FOSTER_CARE,
                opened_on=episode.get("removal_date"),
                closed_on=episode.get("discharge_date"),
            )
            new_cases.append(case)
        if child_id not in linked:
            new_links.append((case, child_id, row["episode_id"]))
        frame.append(case.case_id)
    Case.objects.bulk_create(new_cases)
    created = {c.case_id: c for c in Case.objects.filter(case_id__in=[c.case_id for c in new_cases])}
    CaseExtractLink.objects.bulk_create(
        CaseExtractLink(
            case=created.get(case.case_id, case), child_id=child, episode_id=episode, linked_by=user, source="sample"
        )
        for case, child, episode in new_links
        if not CaseExtractLink.objects.filter(case_id=created.get(case.case_id, case).pk).exists()
    )
    return sorted(frame)


@transaction.atomic
def draw_from_extract(
    quarter: str,
    agencies: list[Agency],
    *,
    site_circuits: list[int],
    site_size: int,
    statewide_size: int = 0,
    seed: int | None = None,
    user: User | None = None,
) -> Sample:
    """Build the frame from the current extract and draw the sample from it (reproducible by seed)."""
    extract = current_extract()
    if extract is None:
        raise SamplingError("no extract is loaded")
    parsed = Quarter.parse(quarter)
    frame = build_frame(parsed, agencies, user)
    if not frame:
        raise SamplingError(f"the current extract has no child in care in {parsed} in the chosen agencies")

    def record(sample: Sample) -> None:
        ExtractSample.objects.create(
            sample=sample,
            extract_id=extract.extract_id,
            extract_as_of=extract.as_of_date,
            agency_codes=sorted(a.code for a in agencies),
            frame=frame,
        )

    sample = draw_sample(
        str(parsed),
        site_circuits,
        site_size,
        statewide_size,
        seed=seed,
        case_types=[CaseType.FOSTER_CARE],
        created_by=user,
        frame=frame,
        before_fill=record,
    )
    log_action(
        "reports.extract.sample_drawn",
        user,
        sample,
        data={
            "extract_id": extract.extract_id,
            "agencies": sorted(a.code for a in agencies),
            "seed": sample.seed,
            "frame_size": len(frame),
            "cases": sample.cases.count(),
        },
    )
    return sample


def frame_hook(sample: Sample) -> list[str] | None:
    """reviews.sampling's frame hook: the frame a sample drawn from the extract was drawn from."""
    frame = ExtractSample.objects.filter(sample=sample).values_list("frame", flat=True).first()
    return frame


def link_problems(agency: Agency, child_id: str, episode_id: str) -> list[str]:
    """Why a case of `agency` cannot be linked to this child (and episode); empty when it can."""
    if not child_id:
        return ["Give the extract's child id."]
    unknown = f"No child {child_id} among {agency.code}'s children in the current extract."
    if current_extract() is None:
        return ["No extract is loaded."]
    if not ResponsibilitySpan.objects.filter(child_id=child_id, agency_code=agency.code).exists():
        return [unknown]
    if episode_id and not RemovalEpisode.objects.filter(child_id=child_id, episode_id=episode_id).exists():
        return [f"Child {child_id} has no removal episode {episode_id} in the current extract."]
    return []


class DrawForm(forms.Form):
    quarter = forms.CharField(max_length=6, help_text="e.g. 2023Q3")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), help_text="The agencies whose children form the frame."
    )
    site_circuits = forms.CharField(
        required=False, help_text="Circuit numbers of the review sites, separated by commas (e.g. 16, 7)."
    )
    site_size = forms.IntegerField(min_value=0, initial=5, help_text="Cases drawn from the site circuits.")
    statewide_size = forms.IntegerField(
        min_value=0, initial=0, help_text="Cases drawn from the rest of the agencies' children."
    )
    seed = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="Leave empty for a random seed (it is recorded)."
    )

    def __init__(self, *args, agencies=None, as_of: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies if agencies is not None else Agency.objects.none()
        for name, field in self.fields.items():
            css = "form-select" if name == "agencies" else "form-control"
            field.widget.attrs.update({"class": css, "aria-describedby": f"id_{name}_help"})
        if not self.is_bound:
            # The last full quarter the extract covers (not today's: the extract may be months old).
            self.initial.setdefault("quarter", str(_last_quarter(as_of or dt.date.today())))
            if agencies is not None and len(agencies) == 1:
                self.initial.setdefault("agencies", list(agencies))

    def clean_quarter(self) -> str:
        try:
            return str(Quarter.parse(self.cleaned_data["quarter"]))
        except SamplingError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_site_circuits(self) -> list[int]:
        text = self.cleaned_data.get("site_circuits", "")
        try:
            circuits = sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError("Circuits are numbers 1-46, separated by commas.") from None
        if any(not 1 <= c <= 46 for c in circuits):
            raise forms.ValidationError("Circuits are numbers 1-46.")
        return circuits


def _last_quarter(today: dt.date) -> Quarter:
    number = (today.month - 1) // 3 + 1
    return Quarter(today.year - 1, 4) if number == 1 else Quarter(today.year, number - 1)
