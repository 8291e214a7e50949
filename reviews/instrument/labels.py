"""What reviewers read for each coded option and table column (pure data, no Django import).

Codes stay stable (the interchange format and the reports depend on them); these are the words
shown on the review pages, the printed review and the Face Sheet, following the OSRI's own
wording where it is known. A code without an entry here is shown generated from the code
("SOME_CODE" -> "Some code"); every option of the Round 4 instrument has an entry (a test checks).
"""

from __future__ import annotations

from reviews.instrument.round4_questions import OPTION_LABELS as ROUND4_OPTION_LABELS

OPTION_LABELS: dict[str, str] = {
    # Answers.
    "YES": "Yes",
    "NO": "No",
    "NA": "Not applicable",
    "NONE": "None of these",
    "OTHER": "Other",
    # Case types (Face Sheet G).
    "FOSTER_CARE": "Foster care",
    "IN_HOME": "In-home services",
    "IN_HOME_DR_AR": "In-home services (differential / alternative response)",
    # Participant roles (Face Sheet F1, F2).
    "CHILD": "Child",
    "SIBLING": "Sibling",
    "MOTHER": "Mother",
    "FATHER": "Father",
    "FOSTER_PARENT": "Foster parent",
    "CASEWORKER": "Caseworker",
    "SUPERVISOR": "Supervisor",
    # Face Sheet F1: race and ethnicity.
    "AMERICAN_INDIAN_OR_ALASKA_NATIVE": "American Indian or Alaska Native",
    "ASIAN": "Asian",
    "BLACK_OR_AFRICAN_AMERICAN": "Black or African American",
    "NATIVE_HAWAIIAN_OR_OTHER_PACIFIC_ISLANDER": "Native Hawaiian or Other Pacific Islander",
    "WHITE": "White",
    "UNKNOWN": "Unknown or unable to determine",
    "HISPANIC": "Hispanic or Latino",
    "NON_HISPANIC": "Not Hispanic or Latino",
    # Face Sheet dates given as a code.
    "NOT_YET_DISCHARGED": "Not yet discharged",
    "NOT_CLOSED_BY_REVIEW": "Not closed by the time of the review",
    # Face Sheet M1/M2: reasons for agency involvement.
    "PHYSICAL_ABUSE": "Physical abuse",
    "SEXUAL_ABUSE": "Sexual abuse",
    "EMOTIONAL_MALTREATMENT": "Emotional maltreatment",
    "NEGLECT": "Neglect (not including medical neglect)",
    "MEDICAL_NEGLECT": "Medical neglect",
    "ABANDONMENT": "Abandonment",
    "HEALTH_OF_PARENT": "Mental or physical health of a parent",
    "HEALTH_OF_CHILD": "Mental or physical health of the child",
    "SUBSTANCE_ABUSE_PARENT": "Substance abuse by a parent",
    "SUBSTANCE_ABUSE_CHILD": "Substance abuse by the child",
    "CHILD_BEHAVIOR": "Child's behavior",
    "JUVENILE_JUSTICE": "Child in the juvenile justice system",
    "DOMESTIC_VIOLENCE": "Domestic violence in the child's home",
    # 1A1: type of response and disposition.
    "INVESTIGATION": "Investigation",
    "ASSESSMENT": "Assessment (alternative response)",
    "SUBSTANTIATED": "Substantiated",
    "NOT_SUBSTANTIATED": "Not substantiated",
    "INVESTIGATION_PENDING": "Investigation pending",
    "OPENED_FOR_SERVICES": "Assessment: opened for services",
    "NOT_OPENED_FOR_SERVICES": "Assessment: not opened for services",
    "ASSESSMENT_PENDING": "Assessment pending",
    # 3A1, 3D1, 3E1, 3F1: safety checklists.
    "SCREENED_OUT_INAPPROPRIATELY": "A maltreatment report was screened out inappropriately",
    "NOT_REPORTED_OR_INVESTIGATED": "Maltreatment allegations were not formally reported or investigated",
    "NOT_SUBSTANTIATED_DESPITE_EVIDENCE": "Allegations were not substantiated despite evidence that would support it",
    "RECURRING_MALTREATMENT": "Maltreatment recurred during the period",
    "RECURRING_SAFETY_CONCERNS": "Safety concerns recurred without being adequately addressed",
    "CLOSED_WITH_UNADDRESSED_CONCERNS": "The case was closed while safety concerns were not adequately addressed",
    "INSUFFICIENT_VISIT_MONITORING": "Visits between the child and family were not sufficiently monitored",
    "UNSUPERVISED_VISITS_INAPPROPRIATE": "Unsupervised visits were not appropriate",
    "COURT_ORDERED_VISITS_DESPITE_CONCERNS": "Court-ordered visits went ahead despite safety concerns the agency knew of",
    "PREVENTABLE_MALTREATMENT_IN_PLACEMENT": "Preventable maltreatment occurred in the foster placement",
    "CRITICAL_INCIDENT_NOT_PREVENTED": "A preventable critical incident occurred in the placement",
    "OTHER_UNADDRESSED_RISKS": "Other risks in the placement were not addressed",
    "UNKNOWN_DUE_TO_POOR_MONITORING": "Safety in the placement is unknown because it was not monitored",
    # 4A1: placement settings and reasons for a change.
    "PRE_ADOPTIVE": "Pre-adoptive home",
    "FOSTER_RELATIVE": "Foster family home: relative",
    "FOSTER_NON_RELATIVE": "Foster family home: non-relative",
    "GROUP_HOME": "Group home",
    "INSTITUTION": "Institution (residential facility)",
    "SUPERVISED_INDEPENDENT_LIVING": "Supervised independent living",
    "TO_ADOPTIVE_OR_GUARDIAN_HOME": "Move to an adoptive or guardianship home",
    "LESS_RESTRICTIVE": "Move to a less restrictive setting",
    "MORE_RESTRICTIVE": "Move to a more restrictive setting",
    "TO_RELATIVE": "Move to a relative",
    "CLOSER_TO_FAMILY_OR_CONNECTIONS": "Move closer to family, school or community connections",
    "TEMPORARY_AWAITING_BETTER": "Temporary setting while a better placement was found",
    "FOSTER_PARENT_REQUEST": "Foster parent asked for the child to be moved",
    # 4C1: why the current placement may not be stable.
    "TEMPORARY_SETTING": "Temporary shelter or other temporary setting",
    "CAREGIVER_MAY_NOT_CONTINUE": "The caregiver may not be able to continue caring for the child",
    "UNADDRESSED_PROBLEMS": "Problems that threaten the placement are not being addressed",
    "RUNAWAY": "The child ran away from this placement more than once or is on runaway now",
    # 5A1, 5B1, 6A1: permanency goals.
    "REUNIFICATION": "Reunification with parents",
    "LIVE_WITH_RELATIVES": "Live with other relatives",
    "GUARDIANSHIP": "Guardianship",
    "ADOPTION": "Adoption",
    "APPLA": "Another planned permanent living arrangement (APPLA)",
    # 5G1: exceptions to filing for termination of parental rights.
    "RELATIVE_CARE": "The child is cared for by a relative (at the state's option)",
    "COMPELLING_REASON": "A documented compelling reason why termination is not in the child's best interest",
    "SERVICES_NOT_PROVIDED": "The state did not provide services needed for the child's safe return",
    # 6A2: APPLA living arrangement.
    "NON_RELATIVE_FOSTER_PARENT": "With a non-relative foster parent",
    "RELATIVE_FOSTER_PARENT": "With a relative foster parent",
    "LONG_TERM_FACILITY": "Long-term care facility",
    "INDEPENDENT_LIVING": "Independent living",
    # 10B1, 10C1: efforts to place with relatives.
    "IDENTIFY": "Identify relatives",
    "LOCATE": "Locate relatives",
    "INFORM": "Inform relatives",
    "EVALUATE": "Evaluate relatives as placement resources",
    # 11A1, 11B1: efforts to support the relationship with a parent.
    "SCHOOL_AND_CASE_ACTIVITIES": "Encouraging the parent to take part in school and other activities",
    "TRANSPORTATION": "Providing or arranging transportation",
    "THERAPEUTIC_OPPORTUNITIES": "Therapeutic situations to strengthen the relationship",
    "FOSTER_PARENT_MENTORING": "Foster parents mentoring or supporting the parent",
    "CONTACT_INCARCERATED_OR_DISTANT": "Facilitating contact with a parent who is incarcerated or far away",
}

# Table columns (1A1 reports, 4A1 placements, 5B1 goals).
COLUMN_LABELS: dict[str, str] = {
    "report_date": "Report date",
    "child": "Child (first name)",
    "allegation": "Allegation",
    "priority": "Priority",
    "response": "Response",
    "assigned_date": "Assigned to a worker",
    "initiated_date": "Initiated",
    "contact_date": "Face-to-face contact",
    "perpetrator_relationship": "Alleged perpetrator's relationship to the child",
    "disposition": "Disposition",
    "initiated_timely": "Initiated timely?",
    "contact_timely": "Contact timely?",
    "placement_date": "Placement date",
    "placement_type": "Placement setting",
    "change_reason": "Reason for the change",
    "change_reason_text": "Reason (other)",
    "goal": "Goal",
    "established": "Date established",
    "months_in_care_before": "Months in care before",
    "changed": "Date changed",
}


# The options added by the Round 4 corrections carry their labels beside their definitions.
OPTION_LABELS.update(ROUND4_OPTION_LABELS)


def option_label(code: str) -> str:
    """Words for a coded option; a code without an entry is shown generated from the code."""
    return OPTION_LABELS.get(code) or code.replace("_", " ").capitalize()


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name) or name.replace("_", " ").capitalize()
