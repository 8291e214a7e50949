"""The Round 4 questions, in instrument order (spec osri.md §2-§3).

Question text and help are paraphrased in our own words. `tag` carries the spec's confidence
tag ([S] confirmed, [R] recollection, [I] app design) so the printed instrument shows which
rules a reviewer should hold against the federal OSRI.
"""

from __future__ import annotations

from .questions import (
    FC_ONLY,
    IH_ONLY,
    NA,
    NO,
    NO_CONCERNS,
    YES,
    Aspect,
    Column,
    FaceSheetField,
    Kind,
    Question,
    Slot,
)

Q = Question

REASONS_FOR_INVOLVEMENT = (
    "PHYSICAL_ABUSE",
    "SEXUAL_ABUSE",
    "EMOTIONAL_MALTREATMENT",
    "NEGLECT",
    "MEDICAL_NEGLECT",
    "ABANDONMENT",
    "HEALTH_OF_PARENT",
    "HEALTH_OF_CHILD",
    "SUBSTANCE_ABUSE_PARENT",
    "SUBSTANCE_ABUSE_CHILD",
    "CHILD_BEHAVIOR",
    "JUVENILE_JUSTICE",
    "DOMESTIC_VIOLENCE",
    "OTHER",
)

FACE_SHEET: tuple[FaceSheetField, ...] = (
    FaceSheetField("A", "State and county / local area of the review site", Kind.TEXT),
    FaceSheetField("B", "Case name (FC: target child's full name; IH: family surname)", Kind.TEXT),
    FaceSheetField("C_start", "Period under review: first day (from the sample)", Kind.DATE, required=True),
    FaceSheetField("D", "Reviewer name(s) and QA reviewer name(s)", Kind.TEXT),
    FaceSheetField(
        "E",
        "Date the case review was completed (set on first submission to QA; also the end of the period under review)",
        Kind.DATE,
    ),
    FaceSheetField("G", "Case type", Kind.CHOICE, ("FOSTER_CARE", "IN_HOME", "IN_HOME_DR_AR"), required=True),
    FaceSheetField("H", "Opened for reasons other than abuse or neglect?", Kind.CHOICE, (YES, NO)),
    FaceSheetField("I", "Date of most recent case opening", Kind.DATE),
    # Round 4 letters: the FAQ calls the date of the child's latest removal "Question K on the Face Sheet"
    # (the draft's J). The fields after it move down one letter; Round 4's J is not in the stored sources.
    FaceSheetField(
        "K",
        "Date of the child's latest removal (entry into foster care); NA for in-home cases",
        Kind.DATE,
        (NA,),
        draft="J",
        source="R4-FAQ-P1",
    ),
    FaceSheetField(
        "L",
        "Date of discharge from foster care for the most recent episode",
        Kind.DATE,
        ("NOT_YET_DISCHARGED", NA),
        draft="K",
        tag="I",
        source="R4-FAQ-P1",
    ),
    FaceSheetField(
        "M", "Date of case closure", Kind.DATE, ("NOT_CLOSED_BY_REVIEW",), draft="L", tag="I", source="R4-FAQ-P1"
    ),
    FaceSheetField(
        "N1",
        "Reasons for agency involvement at the most recent opening (all that apply)",
        Kind.MULTI,
        REASONS_FOR_INVOLVEMENT,
        draft="M1",
        tag="I",
        source="R4-FAQ-P1",
    ),
    FaceSheetField(
        "N2",
        "Primary reason for agency involvement (one of N1)",
        Kind.CHOICE,
        REASONS_FOR_INVOLVEMENT,
        draft="M2",
        tag="I",
        source="R4-FAQ-P1",
    ),
)

# Why a parent is not applicable to items 12B, 13 and 15 (Round 4 records a reason from a list; "other"
# needs a comment). The lists follow each item's NA conditions in the draft instrument.
NA_REASONS_12B = ("PARENTAL_RIGHTS_TERMINATED", "WHEREABOUTS_UNKNOWN", "DECEASED", "OTHER")
NA_REASONS_13 = (
    "PARENTAL_RIGHTS_TERMINATED",
    "WHEREABOUTS_UNKNOWN",
    "DECEASED",
    "RELINQUISHED",
    "NOT_IN_CHILDS_INTEREST",
    "OTHER",
)
NA_REASONS_15 = ("PARENTAL_RIGHTS_TERMINATED", "WHEREABOUTS_UNKNOWN", "DECEASED", "NOT_IN_CHILDS_INTEREST", "OTHER")

# Labels of the options this correction added or whose code alone does not say enough.
OPTION_LABELS = {
    NO_CONCERNS: "No safety concerns existed that were not adequately addressed",
    "NA_CURRENT_PLACEMENT": "Not applicable, this is the current placement",
    "PARENTAL_RIGHTS_TERMINATED": "Parental rights terminated before the period under review (not involved)",
    "WHEREABOUTS_UNKNOWN": "Whereabouts unknown throughout the period despite documented concerted efforts",
    "DECEASED": "Deceased during the whole period under review",
    "RELINQUISHED": "Voluntarily relinquished parental rights early and never sought involvement",
    "NOT_IN_CHILDS_INTEREST": "Contact or involvement documented as not in the child's best interest",
}


def _why_na(lead: str, item: str, slot: Slot, options: tuple[str, ...]) -> Question:
    """The Round 4 reason a parent is not applicable, asked per person when `lead` is NA."""
    who = "mother" if slot is Slot.MOTHER else "father"
    return Q(
        f"{lead}NA",
        item,
        f"Why is the {who} not applicable ({lead} = NA)?",
        Kind.CHOICE,
        options,
        help=f"Asked only when {lead} is NA, for each {who} answered NA. OTHER needs a comment (the narrative).",
        slot=slot,
        concern="OTHER",
        explains=lead,
        tag="R",
        source="R4-FAQ-WB1",
        federal="recorded with the parent's NA answer in the federal instrument; the code is this tool's",
    )


_gate_na = "Answer NO when none of the conditions applies; the item is then rated NA and its questions are skipped."

QUESTIONS: tuple[Question, ...] = (
    # ---- Item 1 ------------------------------------------------------------------------------
    Q(
        "1APP",
        "1",
        "Was an accepted maltreatment report (assigned for investigation or assessment, including alternative "
        "response) received during the period under review on any child in the family?",
        Kind.GATE,
        help="Screened-out reports do not count. " + _gate_na,
    ),
    Q(
        "1A1",
        "1",
        "Reports received during the period under review (one row per accepted report).",
        Kind.TABLE,
        columns=(
            Column("report_date", Kind.DATE, required=True),
            Column("child", Kind.TEXT),
            Column("allegation", Kind.TEXT),
            Column("priority", Kind.TEXT),
            Column("response", Kind.CHOICE, ("INVESTIGATION", "ASSESSMENT")),
            Column("assigned_date", Kind.DATE),
            Column("initiated_date", Kind.DATE),
            Column("contact_date", Kind.DATE),
            Column("perpetrator_relationship", Kind.TEXT),
            Column(
                "disposition",
                Kind.CHOICE,
                (
                    "SUBSTANTIATED",
                    "NOT_SUBSTANTIATED",
                    "INVESTIGATION_PENDING",
                    "OPENED_FOR_SERVICES",
                    "NOT_OPENED_FOR_SERVICES",
                    "ASSESSMENT_PENDING",
                ),
            ),
            Column("initiated_timely", Kind.YN),
            Column("contact_timely", Kind.YN),
        ),
        help="When every row carries initiated_timely and contact_timely, 1A is derived from them [I].",
        source="FAQ-S1",
        federal="the federal reports table; its initiated_timely and contact_timely columns are this tool's own "
        "(1A is derived from them)",
    ),
    Q(
        "1A",
        "1",
        "Were all reports initiated, and face-to-face contact with the child(ren) made, within the time frames "
        "and requirements of state policy or statute for their priority?",
        Kind.YN,
        help="'Requirements' are those of state policy or statute beyond time frames (e.g. who must be seen, and how).",
        rated=True,
        concern=NO,
        source="FAQ-S1",
        federal="federal 1A and 1B: how many reports were not initiated (A), and how many lacked face-to-face "
        "contact (B), within the time frames and requirements; 1A is YES exactly when both are 0",
    ),
    Q(
        "1B",
        "1",
        "If not, were all of the delays caused by circumstances beyond the agency's control?",
        Kind.YNNA,
        help="NA exactly when 1A is YES. Delays by contracted providers are within the agency's control; delays "
        "by another public agency (e.g. law enforcement holding a scene) may not be.",
        rated=True,
        concern=NO,
        source="FAQ-S1",
        federal="federal 1C: were the delays counted in federal 1A and 1B beyond the agency's control (NA when "
        "both are 0)",
    ),
    # ---- Item 2 ------------------------------------------------------------------------------
    Q(
        "2APP",
        "2",
        "Does at least one of these apply: in-home case with safety concerns; in-home case with services so children at "
        "risk of placement could stay home; child entered foster care during the period because of safety "
        "concerns; child reunified or on a trial home visit with safety concerns at home; target child in care "
        "the whole period with other children at home who have safety concerns?",
        Kind.GATE,
        help=_gate_na,
    ),
    Q(
        "2A",
        "2",
        "Over the whole period, did the agency make concerted efforts to provide or arrange safety-related "
        "services so the children could stay safely at home or not re-enter foster care?",
        Kind.YN,
        help="Only safety-related services count (e.g. homemaking to remove hazards, intensive in-home services, "
        "safe child care, substance-abuse treatment). A removal without first trying services is NO, even when the "
        "removal was necessary.",
        rated=True,
        concern=NO,
    ),
    Q(
        "2B",
        "2",
        "If a child was removed during the period without services being provided or arranged, was the removal "
        "necessary to keep the child safe?",
        Kind.YNNA,
        help="NA when there was no removal in the period, or when services were tried first (always NA when 2A "
        "is YES). NO also when the needed services did not exist in the community.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    # ---- Item 3 ------------------------------------------------------------------------------
    Q(
        "3A1",
        "3",
        "Concerns while the case was open (tick all that apply).",
        Kind.MULTI,
        (
            "SCREENED_OUT_INAPPROPRIATELY",
            "NOT_REPORTED_OR_INVESTIGATED",
            "NOT_SUBSTANTIATED_DESPITE_EVIDENCE",
        ),
    ),
    Q(
        "3A",
        "3",
        "If the case opened during the period, did the initial assessment accurately assess all risk and safety "
        "concerns for the target child in care and/or the children at home?",
        Kind.YNNA,
        help="NA exactly when the case opened before the period under review.",
        rated=True,
        concern=NO,
    ),
    Q(
        "3B",
        "3",
        "During the period, did ongoing formal or informal assessments accurately assess all risk and safety "
        "concerns (new allegations, household or visiting changes, reunification, case closure)?",
        Kind.YNNA,
        help="NA only when no ongoing assessment was needed (a very short case with no concerns).",
        rated=True,
        concern=NO,
    ),
    Q(
        "3C",
        "3",
        "If safety concerns existed, did the agency develop an appropriate safety plan with the family and "
        "monitor and update it, including the family's engagement in safety services?",
        Kind.YNNA,
        help="NA when no safety concerns were apparent for children remaining at home.",
        rated=True,
        concern=NO,
    ),
    Q(
        "3D1",
        "3",
        "Safety incidents (tick all that apply).",
        Kind.MULTI,
        ("RECURRING_MALTREATMENT", "RECURRING_SAFETY_CONCERNS", "CLOSED_WITH_UNADDRESSED_CONCERNS", "OTHER"),
        help="Any ticked box makes 3D YES [I]: the draft instrument says the opposite, which contradicts the "
        "rating rule.",
    ),
    Q(
        "3D",
        "3",
        "Were there safety concerns for children remaining in the home that the agency did not adequately address?",
        Kind.YNNA,
        help="YES signals a concern. NA under the same condition as 3C.",
        rated=True,
        concern=YES,
        tag="I",
    ),
    Q(
        "3E1",
        "3",
        "Visitation safety concerns (tick all that apply, or 'no safety concerns existed').",
        Kind.MULTI,
        (
            NO_CONCERNS,
            "INSUFFICIENT_VISIT_MONITORING",
            "UNSUPERVISED_VISITS_INAPPROPRIATE",
            "COURT_ORDERED_VISITS_DESPITE_CONCERNS",
            "OTHER",
        ),
        help="NO_CONCERNS: no safety concerns existed for the target child related to visitation that were not "
        "adequately addressed; it makes 3E NO and cannot be ticked with a concern.",
        case_types=FC_ONLY,
        source="R4-FAQ-S2",
    ),
    Q(
        "3E",
        "3",
        "Was there a concern for the target child's safety during visits with parents or other family members?",
        Kind.YNNA,
        help="YES signals a concern; a concern box in 3E1 makes it YES, 'no safety concerns existed' makes it NO. "
        "No NA in foster care cases: with no concern (no family visits included), tick 'no safety concerns "
        "existed' and answer NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=YES,
        source="R4-FAQ-S2",
    ),
    Q(
        "3F1",
        "3",
        "Foster placement safety concerns (tick all that apply, or 'no safety concerns existed').",
        Kind.MULTI,
        (
            NO_CONCERNS,
            "PREVENTABLE_MALTREATMENT_IN_PLACEMENT",
            "CRITICAL_INCIDENT_NOT_PREVENTED",
            "OTHER_UNADDRESSED_RISKS",
            "UNKNOWN_DUE_TO_POOR_MONITORING",
            "OTHER",
        ),
        help="NO_CONCERNS: no safety concerns existed for the target child while in foster care that were not "
        "adequately addressed; it makes 3F NO and cannot be ticked with a concern.",
        case_types=FC_ONLY,
        source="R4-FAQ-S2",
    ),
    Q(
        "3F",
        "3",
        "Was there an unaddressed concern for the target child's safety related to the foster parents, their "
        "family, other children in the home or facility, or staff?",
        Kind.YNNA,
        help="YES signals a concern; a concern box in 3F1 makes it YES, 'no safety concerns existed' makes it NO. "
        "No NA in foster care cases: with no concern, tick 'no safety concerns existed' and answer NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=YES,
        source="R4-FAQ-S2",
    ),
    # ---- Item 4 ------------------------------------------------------------------------------
    Q(
        "4A",
        "4",
        "Number of placement settings during the period under review.",
        Kind.INTEGER,
        help="Count settings across episodes. Not counted: trial home visits, runaway episodes, temporary absences "
        "and visits, hospital stays, respite, camps, locked detention. A foster family moving with the child is "
        "not a change.",
        case_types=FC_ONLY,
        rated=True,
        minimum=1,
    ),
    Q(
        "4A1",
        "4",
        "Placements during the period, starting with the one at the start of the period (or at entry).",
        Kind.TABLE,
        case_types=FC_ONLY,
        columns=(
            Column("placement_date", Kind.DATE, required=True),
            Column(
                "placement_type",
                Kind.CHOICE,
                (
                    "PRE_ADOPTIVE",
                    "FOSTER_RELATIVE",
                    "FOSTER_NON_RELATIVE",
                    "GROUP_HOME",
                    "INSTITUTION",
                    "SUPERVISED_INDEPENDENT_LIVING",
                ),
                required=True,
            ),
            Column(
                "change_reason",
                Kind.CHOICE,
                (
                    "TO_ADOPTIVE_OR_GUARDIAN_HOME",
                    "LESS_RESTRICTIVE",
                    "MORE_RESTRICTIVE",
                    "TO_RELATIVE",
                    "CLOSER_TO_FAMILY_OR_CONNECTIONS",
                    "TEMPORARY_AWAITING_BETTER",
                    "FOSTER_PARENT_REQUEST",
                    "OTHER",
                    "NA_CURRENT_PLACEMENT",
                ),
            ),
            Column("change_reason_text", Kind.TEXT),
        ),
        help="One row per placement, in order. The reason says why the child left that placement; the current "
        "(last) placement's reason is NA_CURRENT_PLACEMENT ('not applicable, this is the current placement'). A "
        "placement ended by a return home (two episodes in the period) is OTHER, explained. The number of rows "
        "must equal 4A [I].",
        source="R4-FAQ-P1",
    ),
    Q(
        "4B",
        "4",
        "Were all placement changes during the period planned by the agency to reach case goals or meet the "
        "child's needs?",
        Kind.YNNA,
        help="NA exactly when 4A is 1. Changes forced by events outside the agency's control (a foster parent's "
        "death or move out of state) are acceptable; any other unplanned change is NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "4C1",
        "4",
        "Why the current (or last) placement may not be stable (tick all that apply).",
        Kind.MULTI,
        ("TEMPORARY_SETTING", "CAREGIVER_MAY_NOT_CONTINUE", "UNADDRESSED_PROBLEMS", "RUNAWAY", "OTHER"),
        case_types=FC_ONLY,
    ),
    Q(
        "4C",
        "4",
        "Is the child's current placement (or last placement, if discharged) stable?",
        Kind.YN,
        help="Any 4C1 box makes 4C NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 5 ------------------------------------------------------------------------------
    Q(
        "5APP",
        "5",
        "Has the case been open at least 60 days, or has a permanency goal been set?",
        Kind.GATE,
        help="NO only when the case has been open less than 60 days and no goal exists.",
        case_types=FC_ONLY,
    ),
    Q(
        "5A1",
        "5",
        "Current permanency goal(s), or the last goal before closure (at most two concurrent goals).",
        Kind.MULTI,
        ("REUNIFICATION", "LIVE_WITH_RELATIVES", "GUARDIANSHIP", "ADOPTION", "APPLA"),
        case_types=FC_ONLY,
        max_choices=2,
    ),
    Q(
        "5A2",
        "5",
        "Is (are) the goal(s) specified in the case file (case plan or court order)?",
        Kind.YNNA,
        help="NA when the case has been open less than 60 days and no goal is in the file.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "5B1",
        "5",
        "Every goal in effect during the period: goal, date established, months in care before, date changed, "
        "reason for the change.",
        Kind.TABLE,
        case_types=FC_ONLY,
        columns=(
            Column("goal", Kind.CHOICE, ("REUNIFICATION", "LIVE_WITH_RELATIVES", "GUARDIANSHIP", "ADOPTION", "APPLA")),
            Column("established", Kind.DATE),
            Column("months_in_care_before", Kind.INTEGER),
            Column("changed", Kind.DATE),
            Column("change_reason", Kind.TEXT),
        ),
        help="Months in care before a goal was established are counted from the child's latest removal (Face Sheet K).",
        source="R4-FAQ-P1",
    ),
    Q(
        "5B",
        "5",
        "Were all goals in effect during the period established timely?",
        Kind.YNNA,
        help="The first goal is expected within 60 days of entry; with concurrent goals, both must be timely. NA "
        "when the case has been open less than 60 days.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "5C",
        "5",
        "Were all goals in effect during the period appropriate to the child's needs and circumstances?",
        Kind.YN,
        help="APPLA chosen without real consideration of other goals is NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "5D",
        "5",
        "Has the child been in foster care at least 15 of the most recent 22 months?",
        Kind.YN,
        help="Count from the earlier of adjudication or 60 days after entry.",
        case_types=FC_ONLY,
        rated=True,
    ),
    Q(
        "5E",
        "5",
        "Does the child meet another federal criterion for filing termination of parental rights (abandoned "
        "infant, parent convicted of a listed felony)?",
        Kind.YNNA,
        help="NA exactly when 5D is YES.",
        case_types=FC_ONLY,
        rated=True,
    ),
    Q(
        "5F",
        "5",
        "Did the agency file or join a termination petition before the period or timely during it?",
        Kind.YNNA,
        help="NA exactly when 5D and 5E are both NO. No evidence of a petition is NO.",
        case_types=FC_ONLY,
        rated=True,
    ),
    Q(
        "5G1",
        "5",
        "Exceptions to filing: relative care at 15 of 22 months; documented compelling reason; services needed "
        "for a safe return were not provided (each YES/NO, or NA for the block).",
        Kind.EXCEPTIONS,
        ("RELATIVE_CARE", "COMPELLING_REASON", "SERVICES_NOT_PROVIDED"),
        case_types=FC_ONLY,
    ),
    Q(
        "5G",
        "5",
        "Did a documented exception to filing exist?",
        Kind.YNNA,
        help="NA exactly when 5F is YES or NA. An undocumented caseworker explanation is NO.",
        case_types=FC_ONLY,
        rated=True,
    ),
    # ---- Item 6 ------------------------------------------------------------------------------
    Q(
        "6A1",
        "6",
        "Current (or most recent) permanency goal(s), including any concurrent goal.",
        Kind.MULTI,
        ("REUNIFICATION", "GUARDIANSHIP", "ADOPTION", "APPLA"),
        help="APPLA is the current name of the residual goal; OPPLA is accepted and read as APPLA [I].",
        case_types=FC_ONLY,
        max_choices=2,
    ),
    Q(
        "6A2",
        "6",
        "If the goal is APPLA, the planned living arrangement.",
        Kind.CHOICE,
        (
            "NON_RELATIVE_FOSTER_PARENT",
            "RELATIVE_FOSTER_PARENT",
            "LONG_TERM_FACILITY",
            "INDEPENDENT_LIVING",
            "OTHER",
            NA,
        ),
        case_types=FC_ONLY,
    ),
    Q("6A3", "6", "Date of the child's latest removal (Face Sheet K).", Kind.DATE, case_types=FC_ONLY),
    Q(
        "6A4",
        "6",
        "Months in care (from entry to the start of the review, or to discharge).",
        Kind.INTEGER,
        case_types=FC_ONLY,
        minimum=0,
    ),
    Q(
        "6A5",
        "6",
        "For APPLA: date of the document formalising that the caregiver will keep the child to adulthood.",
        Kind.DATE,
        (NA,),
        case_types=FC_ONLY,
    ),
    Q("6A6", "6", "Discharge date (Face Sheet L).", Kind.DATE, (NA,), case_types=FC_ONLY),
    Q(
        "6B",
        "6",
        "Did the agency and the court make concerted efforts to achieve the permanency goal timely?",
        Kind.YNNA,
        help="Benchmarks: reunification 12 months, guardianship 18, adoption 24. Beyond the benchmark is NO unless "
        "justified; avoidable delay is NO even inside it. With concurrent goals, answer for the goal that was or "
        "will be achieved. NA exactly when the only goal is APPLA.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "6C",
        "6",
        "For APPLA: were concerted efforts made to place the child in a living arrangement that can be considered "
        "permanent until discharge?",
        Kind.YNNA,
        help="NA exactly when no goal is APPLA.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 7 ------------------------------------------------------------------------------
    Q(
        "7APP",
        "7",
        "Did the child have at least one sibling also in foster care during the period?",
        Kind.GATE,
        help="Siblings share at least one parent and lived with the child before placement (or would have). "
        + _gate_na,
        case_types=FC_ONLY,
    ),
    Q(
        "7A",
        "7",
        "During the period, was the child placed with all siblings who were also in foster care?",
        Kind.YN,
        help="A separation, even a short one, is NO. It makes item 8 applicable (8APP YES); when visits were "
        "not needed for so short a separation, 8E1, 8E and 8F are NA and item 8 may be rated NA without an "
        "override.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
        source="R4-FAQ-P2",
    ),
    Q(
        "7B",
        "7",
        "If not, was there a valid reason for the separation, based on a child's needs?",
        Kind.YNNA,
        help="NA exactly when 7A is YES. Lack of homes for sibling groups is NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 8 ------------------------------------------------------------------------------
    Q(
        "8APP",
        "8",
        "Does the child have a sibling in foster care in another placement, or a parent whose whereabouts are "
        "known and with whom contact is not documented as against the child's best interests?",
        Kind.GATE,
        help="A sibling in foster care in a different setting at any point in the period, even briefly, makes the "
        "item applicable. NO only when there are no separated siblings in care and, for both parents, contact is "
        "documented as not in the child's interest, whereabouts are unknown despite documented efforts, or the "
        "parent died or lost parental rights before the period and is not involved.",
        case_types=FC_ONLY,
        source="R4-FAQ-P2",
    ),
    Q(
        "8A1",
        "8",
        "Usual frequency of visits between the mother and the child.",
        Kind.PATTERN,
        help="No NA: left unanswered when the mother is not applicable (8A = NA).",
        case_types=FC_ONLY,
        slot=Slot.MOTHER,
        pattern_na=False,
        source="ISSUE-12",
    ),
    Q(
        "8A",
        "8",
        "Were concerted efforts made so that visits (or other contact when visits were impossible) with the mother "
        "were frequent enough to maintain and promote the relationship?",
        Kind.YNNA,
        help="Judge by the case (age, imminence of reunification), not by state policy. NA when contact is not in "
        "the child's interest, whereabouts unknown despite efforts, rights terminated before the period with no "
        "involvement, or deceased.",
        case_types=FC_ONLY,
        slot=Slot.MOTHER,
        aspect=Aspect.FREQUENCY,
        rated=True,
        concern=NO,
    ),
    Q(
        "8B1",
        "8",
        "Usual frequency of visits between the father and the child.",
        Kind.PATTERN,
        help="No NA: left unanswered when the father is not applicable (8B = NA).",
        case_types=FC_ONLY,
        slot=Slot.FATHER,
        pattern_na=False,
        source="ISSUE-12",
    ),
    Q(
        "8B",
        "8",
        "Same as 8A for the father.",
        Kind.YNNA,
        case_types=FC_ONLY,
        slot=Slot.FATHER,
        aspect=Aspect.FREQUENCY,
        rated=True,
        concern=NO,
    ),
    Q(
        "8C",
        "8",
        "Were concerted efforts made so that the quality of visits with the mother was sufficient (setting, "
        "length, real interaction, unsupervised or home visits when appropriate)?",
        Kind.YNNA,
        help="NA when there was no visit during the period (8A1 NEVER) or the mother is NA for 8A.",
        case_types=FC_ONLY,
        slot=Slot.MOTHER,
        aspect=Aspect.QUALITY,
        rated=True,
        concern=NO,
    ),
    Q(
        "8D",
        "8",
        "Same as 8C for the father.",
        Kind.YNNA,
        case_types=FC_ONLY,
        slot=Slot.FATHER,
        aspect=Aspect.QUALITY,
        rated=True,
        concern=NO,
    ),
    Q(
        "8E1",
        "8",
        "Usual frequency of visits between the child and siblings in foster care.",
        Kind.PATTERN,
        case_types=FC_ONLY,
        slot=Slot.SIBLING,
    ),
    Q(
        "8E",
        "8",
        "Were concerted efforts made so that visits or contact with siblings in care were frequent enough?",
        Kind.YNNA,
        help="NA when there are no siblings in care in other settings, contact with all of them is against the "
        "child's interest, or visits were not needed during a short separation.",
        case_types=FC_ONLY,
        slot=Slot.SIBLING,
        aspect=Aspect.FREQUENCY,
        rated=True,
        concern=NO,
        source="R4-FAQ-P2",
    ),
    Q(
        "8F",
        "8",
        "Were concerted efforts made so that the quality of sibling visits was sufficient?",
        Kind.YNNA,
        help="NA when there was no sibling visit (also during a short separation when visits were not needed).",
        case_types=FC_ONLY,
        slot=Slot.SIBLING,
        aspect=Aspect.QUALITY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 9 ------------------------------------------------------------------------------
    Q(
        "9APP",
        "9",
        "Is item 9 applicable (almost always YES; NO e.g. for an abandoned infant with no known family or "
        "connections)?",
        Kind.GATE,
        case_types=FC_ONLY,
    ),
    Q(
        "9A",
        "9",
        "Were concerted efforts made to maintain the child's important connections (neighbourhood, community, "
        "faith, language, extended family, Tribe, school, friends; not parents or siblings in care)?",
        Kind.YNNA,
        help="NA is not accepted when item 9 is applicable [I].",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "9B",
        "9",
        "Was a sufficient inquiry made into whether the child is a member of, or eligible for membership in, a "
        "federally recognised Tribe?",
        Kind.YNNA,
        help="Recorded for data only; it does not affect the rating. NA when nothing indicates Tribal heritage.",
        case_types=FC_ONLY,
        required=True,
        concern=NO,
    ),
    Q(
        "9C",
        "9",
        "If the child may be a member or eligible, was the Tribe given timely notice of its right to intervene?",
        Kind.YNNA,
        help="NA when the child is not a member or eligible.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "9D",
        "9",
        "If member or eligible, was the child placed according to the ICWA placement preferences, or were "
        "concerted efforts made to do so?",
        Kind.YNNA,
        help="NA when the child is not Native American.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 10 -----------------------------------------------------------------------------
    Q(
        "10APP",
        "10",
        "Is item 10 applicable? (NO only when the child needed a specialised placement from entry and throughout, "
        "or parents and relatives are unknown despite documented efforts.)",
        Kind.GATE,
        case_types=FC_ONLY,
    ),
    Q(
        "10A1",
        "10",
        "Is the current or most recent placement with a relative?",
        Kind.YN,
        case_types=FC_ONLY,
        rated=True,
    ),
    Q(
        "10A2",
        "10",
        "If so, is that placement stable and appropriate to the child's needs?",
        Kind.YNNA,
        help="NA exactly when 10A1 is NO.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "10B",
        "10",
        "Did the agency make concerted efforts to identify, locate, inform and evaluate maternal relatives?",
        Kind.YNNA,
        help="NA when the child is in a stable, appropriate relative placement, or relatives were properly ruled "
        "out before the period.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "10B1",
        "10",
        "If 10B is NO, the step(s) that failed (this tool's own code).",
        Kind.MULTI,
        ("IDENTIFY", "LOCATE", "INFORM", "EVALUATE"),
        case_types=FC_ONLY,
        tag="I",
        source="APP",
        federal="none: this tool's own code; the federal instrument records the failed step(s) within question 10B",
    ),
    Q(
        "10C",
        "10",
        "Same as 10B for paternal relatives.",
        Kind.YNNA,
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "10C1",
        "10",
        "If 10C is NO, the step(s) that failed (this tool's own code).",
        Kind.MULTI,
        ("IDENTIFY", "LOCATE", "INFORM", "EVALUATE"),
        case_types=FC_ONLY,
        tag="I",
        source="APP",
        federal="none: this tool's own code; the federal instrument records the failed step(s) within question 10C",
    ),
    # ---- Item 11 -----------------------------------------------------------------------------
    Q(
        "11APP",
        "11",
        "Is item 11 applicable? (NO only when, for both parents, rights were terminated before the period with no "
        "involvement, whereabouts are unknown despite efforts, contact is not in the child's interest, or the "
        "parent died.)",
        Kind.GATE,
        case_types=FC_ONLY,
    ),
    Q(
        "11A",
        "11",
        "Beyond arranging visits, were concerted efforts made to promote and support a positive relationship "
        "between the child and the mother?",
        Kind.YNNA,
        help="Foster parents' actions count; visit frequency and quality belong to item 8.",
        case_types=FC_ONLY,
        slot=Slot.MOTHER,
        aspect=Aspect.RELATIONSHIP,
        rated=True,
        concern=NO,
    ),
    Q(
        "11A1",
        "11",
        "Efforts made with the mother (tick all that apply).",
        Kind.MULTI,
        (
            "SCHOOL_AND_CASE_ACTIVITIES",
            "TRANSPORTATION",
            "THERAPEUTIC_OPPORTUNITIES",
            "FOSTER_PARENT_MENTORING",
            "CONTACT_INCARCERATED_OR_DISTANT",
            "NONE",
            NA,
        ),
        help="NA exactly when 11A is NA.",
        case_types=FC_ONLY,
        slot=Slot.MOTHER,
    ),
    Q(
        "11B",
        "11",
        "Same as 11A for the father.",
        Kind.YNNA,
        case_types=FC_ONLY,
        slot=Slot.FATHER,
        aspect=Aspect.RELATIONSHIP,
        rated=True,
        concern=NO,
    ),
    Q(
        "11B1",
        "11",
        "Efforts made with the father (tick all that apply).",
        Kind.MULTI,
        (
            "SCHOOL_AND_CASE_ACTIVITIES",
            "TRANSPORTATION",
            "THERAPEUTIC_OPPORTUNITIES",
            "FOSTER_PARENT_MENTORING",
            "CONTACT_INCARCERATED_OR_DISTANT",
            "NONE",
            NA,
        ),
        help="NA exactly when 11B is NA.",
        case_types=FC_ONLY,
        slot=Slot.FATHER,
    ),
    # ---- Item 12 -----------------------------------------------------------------------------
    Q(
        "12A1",
        "12A",
        "Did the agency conduct an initial and/or ongoing assessment that accurately assessed the children's "
        "needs (other than education, physical and mental health)?",
        Kind.YN,
        help="Foster care: the target child; in-home: every child in the family.",
        rated=True,
        concern=NO,
    ),
    Q(
        "12A2",
        "12A",
        "Were appropriate services provided to meet the children's identified needs?",
        Kind.YNNA,
        help="NA when the assessment found no needs in scope, or services pre-dated the period with no further needs.",
        rated=True,
        concern=NO,
    ),
    Q(
        "12B1",
        "12B",
        "Did an initial and/or ongoing assessment accurately assess the mother's needs to care for and supervise "
        "the children?",
        Kind.YNNA,
        help="NA when her rights were terminated before the period, whereabouts unknown despite efforts, or deceased "
        "(say why in 12B1NA).",
        slot=Slot.MOTHER,
        aspect=Aspect.ASSESSMENT,
        rated=True,
        concern=NO,
    ),
    _why_na("12B1", "12B", Slot.MOTHER, NA_REASONS_12B),
    Q(
        "12B2",
        "12B",
        "Same as 12B1 for the father.",
        Kind.YNNA,
        slot=Slot.FATHER,
        aspect=Aspect.ASSESSMENT,
        rated=True,
        concern=NO,
    ),
    _why_na("12B2", "12B", Slot.FATHER, NA_REASONS_12B),
    Q(
        "12B3",
        "12B",
        "Were appropriate services provided to the mother to meet her identified needs?",
        Kind.YNNA,
        help="Also NA when she was assessed and had no needs.",
        slot=Slot.MOTHER,
        aspect=Aspect.SERVICES,
        rated=True,
        concern=NO,
    ),
    Q(
        "12B4",
        "12B",
        "Same as 12B3 for the father.",
        Kind.YNNA,
        slot=Slot.FATHER,
        aspect=Aspect.SERVICES,
        rated=True,
        concern=NO,
    ),
    Q(
        "12C1",
        "12C",
        "Did the agency adequately assess, on an ongoing basis, the foster or pre-adoptive parents' needs to care "
        "for the child?",
        Kind.YNNA,
        help="NA for in-home cases, or when the child was in a facility the whole period.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    Q(
        "12C2",
        "12C",
        "Were appropriate services provided to the foster or pre-adoptive parents to address those needs?",
        Kind.YNNA,
        help="Same NA rule as 12C1, and NA when they were assessed and had no needs.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
    ),
    # ---- Item 13 -----------------------------------------------------------------------------
    Q(
        "13APP",
        "13",
        "Is item 13 applicable? (In-home cases: always YES. Foster care: NO only when the child cannot take part "
        "developmentally and neither parent can be involved.)",
        Kind.GATE,
        help="In-home cases are applicable even without a written case plan: NO is refused there.",
        source="R4-FAQ-WB1",
    ),
    Q(
        "13A",
        "13",
        "Were concerted efforts made to involve the child actively in case planning?",
        Kind.YNNA,
        help="Typically school age and older. Knowing about the plan is not involvement. NA when too young or "
        "incapacitated.",
        rated=True,
        concern=NO,
    ),
    Q(
        "13B",
        "13",
        "Were concerted efforts made to involve the mother actively in case planning?",
        Kind.YNNA,
        help="No efforts to locate a mother whose whereabouts are unknown is NO. When she is NA, say why in 13BNA.",
        slot=Slot.MOTHER,
        aspect=Aspect.INVOLVEMENT,
        rated=True,
        concern=NO,
    ),
    _why_na("13B", "13", Slot.MOTHER, NA_REASONS_13),
    Q(
        "13C",
        "13",
        "Same as 13B for the father.",
        Kind.YNNA,
        slot=Slot.FATHER,
        aspect=Aspect.INVOLVEMENT,
        rated=True,
        concern=NO,
    ),
    _why_na("13C", "13", Slot.FATHER, NA_REASONS_13),
    # ---- Item 14 -----------------------------------------------------------------------------
    Q(
        "14A1",
        "14",
        "Most typical pattern of visits between the caseworker and the child(ren) during the period.",
        Kind.PATTERN,
        help="No NA: the item always applies.",
        pattern_na=False,
        source="ISSUE-12",
    ),
    Q(
        "14A",
        "14",
        "Was the frequency of caseworker visits with the child(ren) sufficient to ensure safety, permanency and "
        "well-being and to promote the case goals?",
        Kind.YN,
        help="Judge by the case (age, safety concerns), not by state policy; in-home cases with several children "
        "need sufficient visits with each. 14A1 NEVER makes 14A NO.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "14B",
        "14",
        "Was the quality of those visits sufficient (length, seeing the child alone when appropriate, focus on "
        "needs, services and goals)?",
        Kind.YNNA,
        help="NA only when 14A1 is NEVER (no visit to judge) [I].",
        rated=True,
        concern=NO,
        tag="R",
    ),
    # ---- Item 15 -----------------------------------------------------------------------------
    Q(
        "15APP",
        "15",
        "Is item 15 applicable? (NO only when, for both parents, rights were terminated before the period with no "
        "involvement, the parent died, whereabouts are unknown despite documented efforts, or contact is not in "
        "the child's interest.)",
        Kind.GATE,
        tag="R",
    ),
    Q(
        "15A1",
        "15",
        "Most typical pattern of visits between the caseworker and the mother.",
        Kind.PATTERN,
        slot=Slot.MOTHER,
        tag="R",
    ),
    Q(
        "15A2",
        "15",
        "Most typical pattern of visits between the caseworker and the father.",
        Kind.PATTERN,
        slot=Slot.FATHER,
        tag="R",
    ),
    Q(
        "15B1",
        "15",
        "Was the frequency of caseworker visits with the mother sufficient to monitor safety and progress and "
        "promote goals?",
        Kind.YNNA,
        help="Not tied to state policy. A mother's refusal is judged by the agency's concerted efforts. When she is "
        "NA, say why in 15B1NA.",
        slot=Slot.MOTHER,
        aspect=Aspect.FREQUENCY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    _why_na("15B1", "15", Slot.MOTHER, NA_REASONS_15),
    Q(
        "15B2",
        "15",
        "Same as 15B1 for the father.",
        Kind.YNNA,
        slot=Slot.FATHER,
        aspect=Aspect.FREQUENCY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    _why_na("15B2", "15", Slot.FATHER, NA_REASONS_15),
    Q(
        "15C1",
        "15",
        "Was the quality of caseworker visits with the mother sufficient (duration, a setting that allows an open "
        "conversation, focus on case planning, services and goals)?",
        Kind.YNNA,
        help="NA when there was no visit with the mother during the period.",
        slot=Slot.MOTHER,
        aspect=Aspect.QUALITY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "15C2",
        "15",
        "Same as 15C1 for the father.",
        Kind.YNNA,
        slot=Slot.FATHER,
        aspect=Aspect.QUALITY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    # ---- Item 16 -----------------------------------------------------------------------------
    Q(
        "16APP",
        "16",
        "Is item 16 applicable? (Foster care: YES unless the child is 2 or younger with no apparent developmental "
        "delays. In-home: YES only when educational needs relate to the agency's involvement or the agency should "
        "reasonably address them.)",
        Kind.GATE,
        help="A 3- to 5-year-old in foster care is applicable (early education, developmental screening).",
        source="ISSUE-12",
    ),
    Q(
        "16A",
        "16",
        "Did the agency make concerted efforts to assess the child's educational needs accurately, initially and "
        "on an ongoing basis?",
        Kind.YN,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "16B",
        "16",
        "Did the agency make concerted efforts to address the identified educational needs through appropriate "
        "services (special education, early intervention, school stability)?",
        Kind.YNNA,
        help="NA when no educational needs were identified.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    # ---- Item 17 -----------------------------------------------------------------------------
    Q(
        "17APP",
        "17",
        "In-home cases: do physical or dental health needs relate to the agency's involvement, or should the "
        "agency reasonably address them? (Foster care cases are always applicable.)",
        Kind.GATE,
        case_types=IH_ONLY,
        tag="R",
    ),
    Q(
        "17A1",
        "17",
        "Did the agency accurately assess the child's physical health care needs?",
        Kind.YN,
        help="Includes an initial health screening at entry and periodic preventive check-ups.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "17A2",
        "17",
        "Did the agency accurately assess the child's dental health care needs?",
        Kind.YNNA,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "17B1",
        "17",
        "Did the agency provide appropriate oversight of prescription medication for physical health issues?",
        Kind.YNNA,
        help="Foster care only; NA when the child takes no such medication.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "17B2",
        "17",
        "Did the agency ensure appropriate services addressed all identified physical health needs?",
        Kind.YNNA,
        help="NA when no physical health needs were identified.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "17B3",
        "17",
        "Did the agency ensure appropriate services addressed all identified dental health needs?",
        Kind.YNNA,
        help="NA when no dental needs were identified.",
        rated=True,
        concern=NO,
        tag="R",
    ),
    # ---- Item 18 -----------------------------------------------------------------------------
    Q(
        "18APP",
        "18",
        "Did the child have mental or behavioural health needs (including substance abuse) during the period "
        "(in-home: relevant to the agency's involvement)?",
        Kind.GATE,
    ),
    Q(
        "18A",
        "18",
        "Did the agency accurately assess the child's mental and behavioural health needs, initially and/or on an "
        "ongoing basis, to inform case planning?",
        Kind.YN,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "18B",
        "18",
        "Did the agency provide appropriate oversight of psychotropic medication?",
        Kind.YNNA,
        help="Foster care only; NA when the child takes no such medication.",
        case_types=FC_ONLY,
        rated=True,
        concern=NO,
        tag="R",
    ),
    Q(
        "18C",
        "18",
        "Did the agency provide (facilitate access to) appropriate services to address the child's mental and "
        "behavioural health needs?",
        Kind.YNNA,
        rated=True,
        concern=NO,
        tag="R",
    ),
)
