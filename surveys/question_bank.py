"""The default question bank: one survey per respondent group, sharing a common core.

Questions with the same code mean the same thing in every group (the core: responsiveness,
respect, overall satisfaction, comment), so groups can be compared. Texts may differ per group
(a judge is asked about "the agency's case managers", a youth about "your case manager").

`install(models)` takes the model classes (historical ones from a migration or the real ones),
so the data migration and the `load_question_bank` command share one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SURVEY_MODELS = ("Survey", "Section", "Question", "Choice", "MeasureTag")
ALL_GROUPS = ("youth", "resource", "adoptive", "parent", "jo", "judge")
FAMILY_GROUPS = ("youth", "resource", "parent")
COURT_GROUPS = ("jo", "judge")

# value, English, Spanish, favourable, counts in the percent-favourable base
AGREEMENT = [
    ("strongly_disagree", "Strongly disagree", "Totalmente en desacuerdo", False, True),
    ("disagree", "Disagree", "En desacuerdo", False, True),
    ("neither", "Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo", False, True),
    ("agree", "Agree", "De acuerdo", True, True),
    ("strongly_agree", "Strongly agree", "Totalmente de acuerdo", True, True),
    ("does_not_apply", "Does not apply", "No aplica", False, False),
]
YES_NO = [
    ("yes", "Yes", "Sí"),
    ("no", "No", "No"),
    ("not_sure", "Not sure", "No estoy seguro/a"),
]

SECTIONS = {
    "visits": ("Visits and contact with the case manager", "Visitas y contacto con el administrador de casos"),
    "family": ("Family time and health", "Tiempo en familia y salud"),
    "plan": ("Case plan and permanency", "Plan del caso y permanencia"),
    "court": ("Court reports and hearings", "Informes judiciales y audiencias"),
    "older_youth": ("Getting ready for adulthood", "Preparación para la vida adulta"),
    "overall": ("Overall", "En general"),
}
SECTION_ORDER = ["visits", "family", "plan", "court", "older_youth", "overall"]

TITLES = {
    "youth": ("Youth survey", "Encuesta para jóvenes"),
    "resource": ("Foster and resource parent survey", "Encuesta para padres de crianza y de recursos"),
    "adoptive": ("Adoptive parent survey", "Encuesta para padres adoptivos"),
    "parent": ("Parent and guardian survey", "Encuesta para padres y tutores"),
    "jo": ("Juvenile officer survey", "Encuesta para oficiales juveniles"),
    "judge": ("Judicial survey", "Encuesta para jueces"),
}

INTRO_EN = (
    "The Missouri Children's Division and the agency that manages foster care cases in your area "
    "ask youth, families, foster and adoptive parents, juvenile officers and judges the same questions, "
    "so that case management can be compared across agencies and improved. It takes about ten minutes. "
    "Your answers are confidential: they are stored apart from your name and reported only in groups "
    "of five or more. You may skip any question that is not marked required, and you can save and "
    "come back later."
)
INTRO_ES = (
    "La División de Niños de Missouri y la agencia que administra los casos de cuidado de crianza en su "
    "área hacen las mismas preguntas a jóvenes, familias, padres de crianza y adoptivos, oficiales "
    "juveniles y jueces, para poder comparar y mejorar la administración de casos entre agencias. "
    "Toma unos diez minutos. Sus respuestas son confidenciales: se guardan separadas de su nombre y "
    "solo se informan en grupos de cinco o más personas. Puede omitir cualquier pregunta que no esté "
    "marcada como obligatoria, y puede guardar y volver más tarde."
)

Text = str | Mapping[str, str]


@dataclass
class Q:
    code: str
    kind: str
    section: str
    groups: tuple[str, ...]
    en: Text
    es: Text
    tags: Mapping[str, tuple[str, ...]] | tuple[str, ...] = ()
    choices: list[tuple[str, str, str]] = field(default_factory=list)
    favourable: tuple[str, ...] | None = None  # None: the kind's default
    required: bool = False
    show_when: tuple[str, str] | None = None
    min_value: int | None = None
    max_value: int | None = None

    def for_group(self, value, group: str):
        if isinstance(value, Mapping):
            return value.get(group, value.get("*"))
        return value


VISIT_FREQUENCY = [
    ("more_than_monthly", "More than once a month", "Más de una vez al mes"),
    ("monthly", "About once a month", "Aproximadamente una vez al mes"),
    ("less_than_monthly", "Less than once a month", "Menos de una vez al mes"),
    ("never", "Never", "Nunca"),
]
HEARING_ATTENDANCE = [
    ("always", "Always", "Siempre"),
    ("usually", "Usually", "Casi siempre"),
    ("sometimes", "Sometimes", "A veces"),
    ("rarely", "Rarely or never", "Rara vez o nunca"),
]
COURT_CONCERNS = [
    ("report_timeliness", "Timeliness of court reports", "Puntualidad de los informes judiciales"),
    ("report_quality", "Content of court reports", "Contenido de los informes judiciales"),
    ("visit_documentation", "Documentation of visits", "Documentación de las visitas"),
    ("permanency_progress", "Progress toward permanency", "Avance hacia la permanencia"),
    ("communication", "Communication with the court", "Comunicación con el tribunal"),
    ("none", "None of these", "Ninguna de estas"),
]
OLDER_YOUTH_HELP = [
    ("life_skills", "Life skills classes", "Clases de habilidades para la vida"),
    ("education", "School, college or training", "Escuela, universidad o capacitación"),
    ("job", "Finding a job", "Encontrar trabajo"),
    ("housing", "A place to live after care", "Un lugar donde vivir después del cuidado"),
    ("drivers_license", "A driver's license or ID", "Licencia de conducir o identificación"),
    ("health_insurance", "Health insurance", "Seguro médico"),
    ("none", "None of these", "Ninguna de estas"),
]

BANK: list[Q] = [
    # --- visits ---------------------------------------------------------------------------
    Q(
        "visit_frequency",
        "single",
        "visits",
        FAMILY_GROUPS,
        en={
            "youth": "How often does your case manager visit you?",
            "resource": "How often does the case manager visit the child in your home?",
            "parent": "How often does the case manager meet with you?",
        },
        es={
            "youth": "¿Con qué frecuencia lo/la visita su administrador de casos?",
            "resource": "¿Con qué frecuencia visita el administrador de casos al niño en su hogar?",
            "parent": "¿Con qué frecuencia se reúne con usted el administrador de casos?",
        },
        tags={
            "youth": ("worker_child_visits", "item14"),
            "resource": ("worker_child_visits", "item14"),
            "parent": ("worker_parent_visits", "item15"),
        },
        choices=VISIT_FREQUENCY,
        favourable=("more_than_monthly", "monthly"),
    ),
    Q(
        "talk_alone",
        "yes_no",
        "visits",
        ("youth",),
        en="Does your case manager talk with you alone, without your caregivers in the room?",
        es="¿Su administrador de casos habla con usted a solas, sin sus cuidadores en la habitación?",
        tags=("worker_child_visits", "item14"),
    ),
    Q(
        "cm_responsive",
        "agreement",
        "visits",
        ALL_GROUPS,
        en={
            "*": "The case manager returns my calls and messages within two business days.",
            "jo": "The agency's case managers respond promptly when I need information about a case.",
            "judge": "The agency's case managers respond promptly when the court needs information.",
        },
        es={
            "*": "El administrador de casos responde mis llamadas y mensajes en un plazo de dos días hábiles.",
            "jo": "Los administradores de casos de la agencia responden con prontitud cuando necesito "
            "información sobre un caso.",
            "judge": "Los administradores de casos de la agencia responden con prontitud cuando el tribunal "
            "necesita información.",
        },
    ),
    Q(
        "cm_respect",
        "agreement",
        "visits",
        ALL_GROUPS,
        en={
            "*": "The case manager treats me with respect.",
            "jo": "The agency's case managers are professional and respectful.",
            "judge": "The agency's case managers are professional and respectful in court.",
        },
        es={
            "*": "El administrador de casos me trata con respeto.",
            "jo": "Los administradores de casos de la agencia son profesionales y respetuosos.",
            "judge": "Los administradores de casos de la agencia son profesionales y respetuosos en el tribunal.",
        },
    ),
    Q(
        "cm_changed",
        "yes_no",
        "visits",
        FAMILY_GROUPS,
        en="Has the case manager changed in the last six months?",
        es="¿Ha cambiado el administrador de casos en los últimos seis meses?",
        tags=("workers_per_child_lt12", "workers_per_child_12plus"),
        favourable=("no",),
    ),
    Q(
        "cm_change_explained",
        "agreement",
        "visits",
        FAMILY_GROUPS,
        en="When the case manager changed, someone explained why and introduced the new case manager.",
        es="Cuando cambió el administrador de casos, alguien explicó por qué y presentó al nuevo administrador.",
        show_when=("cm_changed", "yes"),
    ),
    Q(
        "cm_count",
        "number",
        "visits",
        FAMILY_GROUPS,
        en="How many different case managers have you had in the last 12 months?",
        es="¿Cuántos administradores de casos diferentes ha tenido en los últimos 12 meses?",
        min_value=0,
        max_value=20,
    ),
    # --- family time and health ----------------------------------------------------------
    Q(
        "parent_visits",
        "agreement",
        "family",
        FAMILY_GROUPS,
        en={
            "youth": "I get to visit with my parents as often as I am allowed.",
            "resource": "The agency arranges visits between the child and the child's parents as planned.",
            "parent": "I get to visit my children as often as the court allows.",
        },
        es={
            "youth": "Puedo visitar a mis padres tan seguido como se me permite.",
            "resource": "La agencia organiza las visitas entre el niño y sus padres según lo planeado.",
            "parent": "Puedo visitar a mis hijos tan seguido como lo permite el tribunal.",
        },
        tags=("parent_child_visits", "item8"),
    ),
    Q(
        "siblings_in_care",
        "yes_no",
        "family",
        ("youth",),
        en="Do you have brothers or sisters in care who live somewhere else?",
        es="¿Tiene hermanos o hermanas en cuidado que viven en otro lugar?",
        favourable=(),
    ),
    Q(
        "sibling_visits",
        "agreement",
        "family",
        ("youth",),
        en="I get to see my brothers and sisters as often as I would like.",
        es="Puedo ver a mis hermanos y hermanas tan seguido como quisiera.",
        tags=("item8",),
        show_when=("siblings_in_care", "yes"),
    ),
    Q(
        "health_checkup",
        "yes_no",
        "family",
        FAMILY_GROUPS,
        en={
            "youth": "After you came into care, did you see a doctor for a check-up within about a month?",
            "resource": "Did the child have a health check-up within 30 days of coming into care?",
            "parent": "Did your child have a health check-up within 30 days of coming into care?",
        },
        es={
            "youth": "Después de entrar en cuidado, ¿lo/la vio un médico para un chequeo en más o menos un mes?",
            "resource": "¿El niño tuvo un chequeo médico dentro de los 30 días de entrar en cuidado?",
            "parent": "¿Su hijo/a tuvo un chequeo médico dentro de los 30 días de entrar en cuidado?",
        },
        tags=("hcy_exam_30_days", "item17"),
    ),
    Q(
        "dental_checkup",
        "yes_no",
        "family",
        FAMILY_GROUPS,
        en={
            "youth": "Have you seen a dentist since you came into care?",
            "resource": "Has the child seen a dentist since coming into care?",
            "parent": "Has your child seen a dentist since coming into care?",
        },
        es={
            "youth": "¿Ha ido al dentista desde que entró en cuidado?",
            "resource": "¿El niño ha ido al dentista desde que entró en cuidado?",
            "parent": "¿Su hijo/a ha ido al dentista desde que entró en cuidado?",
        },
        tags=("item17",),
    ),
    Q(
        "services_received",
        "agreement",
        "family",
        ("resource", "adoptive", "parent"),
        en="I received the services and support I needed.",
        es="Recibí los servicios y el apoyo que necesitaba.",
        tags=("item12",),
    ),
    # --- case plan and permanency ---------------------------------------------------------
    Q(
        "plan_involved",
        "agreement",
        "plan",
        ("youth", "resource", "adoptive", "parent"),
        en={
            "*": "I was asked for my ideas when the case plan was made.",
            "adoptive": "I was involved in planning the child's adoption.",
        },
        es={
            "*": "Me pidieron mis ideas cuando se hizo el plan del caso.",
            "adoptive": "Participé en la planificación de la adopción del niño.",
        },
        tags=("item13",),
    ),
    Q(
        "knows_goal",
        "yes_no",
        "plan",
        FAMILY_GROUPS,
        en="Do you know the permanency goal of the case (for example going home, adoption or guardianship)?",
        es="¿Conoce la meta de permanencia del caso (por ejemplo, volver a casa, adopción o tutela)?",
        tags=("item5", "timely_permanency"),
    ),
    Q(
        "goal_explained",
        "agreement",
        "plan",
        FAMILY_GROUPS,
        en="The case manager explained what needs to happen to reach that goal.",
        es="El administrador de casos explicó lo que debe pasar para alcanzar esa meta.",
        tags=("item5",),
        show_when=("knows_goal", "yes"),
    ),
    Q(
        "adoption_timely",
        "agreement",
        "plan",
        ("adoptive",),
        en="The adoption moved forward without unnecessary delays.",
        es="La adopción avanzó sin demoras innecesarias.",
        tags=("timely_permanency", "item6"),
    ),
    Q(
        "post_adoption_info",
        "yes_no",
        "plan",
        ("adoptive",),
        en="Were you told about post-adoption services and adoption subsidies?",
        es="¿Le informaron sobre los servicios posteriores a la adopción y los subsidios de adopción?",
        tags=("item12",),
    ),
    # --- court ----------------------------------------------------------------------------
    Q(
        "court_report_timely",
        "agreement",
        "court",
        COURT_GROUPS,
        en="Court reports arrive in time to be read before the hearing.",
        es="Los informes judiciales llegan a tiempo para leerlos antes de la audiencia.",
        tags=("timely_permanency",),
    ),
    Q(
        "court_report_quality",
        "agreement",
        "court",
        COURT_GROUPS,
        en="Court reports give the information needed on safety, services and progress toward permanency.",
        es="Los informes judiciales dan la información necesaria sobre seguridad, servicios y avance "
        "hacia la permanencia.",
        tags=("item5", "item6"),
    ),
    Q(
        "hearing_prepared",
        "agreement",
        "court",
        COURT_GROUPS,
        en="Case managers come to hearings prepared and able to answer questions about the case.",
        es="Los administradores de casos llegan a las audiencias preparados y pueden responder preguntas sobre el caso.",
    ),
    Q(
        "hearing_attendance",
        "single",
        "court",
        COURT_GROUPS,
        en="How often does the assigned case manager attend hearings?",
        es="¿Con qué frecuencia asiste a las audiencias el administrador de casos asignado?",
        choices=HEARING_ATTENDANCE,
        favourable=("always", "usually"),
    ),
    Q(
        "court_concerns",
        "multiple",
        "court",
        COURT_GROUPS,
        en="Which areas most need improvement? Choose all that apply.",
        es="¿Qué áreas necesitan más mejora? Elija todas las que correspondan.",
        choices=COURT_CONCERNS,
    ),
    # --- older youth ----------------------------------------------------------------------
    Q(
        "age_14_plus",
        "yes_no",
        "older_youth",
        ("youth",),
        en="Are you 14 years old or older?",
        es="¿Tiene 14 años o más?",
        favourable=(),
        required=True,
    ),
    Q(
        "older_youth_help",
        "multiple",
        "older_youth",
        ("youth",),
        en="Which of these have you received help with? Choose all that apply.",
        es="¿Con cuáles de estas cosas ha recibido ayuda? Elija todas las que correspondan.",
        choices=OLDER_YOUTH_HELP,
        show_when=("age_14_plus", "yes"),
    ),
    Q(
        "older_youth_ready",
        "agreement",
        "older_youth",
        ("youth",),
        en="I am getting the help I need to prepare for living on my own.",
        es="Estoy recibiendo la ayuda que necesito para prepararme para vivir por mi cuenta.",
        tags=("older_youth_services",),
        show_when=("age_14_plus", "yes"),
    ),
    # --- overall (common core) ------------------------------------------------------------
    Q(
        "overall_satisfaction",
        "agreement",
        "overall",
        ALL_GROUPS,
        en={
            "*": "Overall, I am satisfied with the case management services.",
            "jo": "Overall, I am satisfied with the agency's case management.",
            "judge": "Overall, I am satisfied with the agency's case management.",
        },
        es={
            "*": "En general, estoy satisfecho/a con los servicios de administración de casos.",
            "jo": "En general, estoy satisfecho/a con la administración de casos de la agencia.",
            "judge": "En general, estoy satisfecho/a con la administración de casos de la agencia.",
        },
    ),
    Q(
        "county",
        "short_text",
        "overall",
        ALL_GROUPS,
        en="In which county do you live or work? (optional)",
        es="¿En qué condado vive o trabaja? (opcional)",
    ),
    Q(
        "comment",
        "long_text",
        "overall",
        ALL_GROUPS,
        en="Is there anything else you would like to tell us?",
        es="¿Hay algo más que le gustaría decirnos?",
    ),
]


def choices_for(q: Q) -> list[tuple[str, str, str, bool, bool]]:
    """The options of a question with their favourable / base flags."""
    if q.kind == "agreement":
        return AGREEMENT
    if q.kind == "yes_no":
        favourable = ("yes",) if q.favourable is None else q.favourable
        return [(v, en, es, v in favourable, True) for v, en, es in YES_NO]
    favourable = q.favourable or ()
    return [(v, en, es, v in favourable, True) for v, en, es in q.choices]


def install(models: Mapping[str, type], status: str = "open") -> list:
    """Create version 1 of each group's survey unless that family already exists.

    `models` maps "Survey", "Section", "Question", "Choice", "MeasureTag" to model classes.
    Uses only fields and managers, so historical models from a migration work too.
    """
    Survey, Section, Question, Choice, MeasureTag = (
        models[name] for name in ("Survey", "Section", "Question", "Choice", "MeasureTag")
    )
    created = []
    for group in ALL_GROUPS:
        if Survey.objects.filter(family=group).exists():
            continue
        title_en, title_es = TITLES[group]
        survey = Survey.objects.create(
            family=group,
            version=1,
            group=group,
            title_en=title_en,
            title_es=title_es,
            intro_en=INTRO_EN,
            intro_es=INTRO_ES,
            status=status,
        )
        questions = [q for q in BANK if group in q.groups]
        sections = [key for key in SECTION_ORDER if any(q.section == key for q in questions)]
        section_rows = {}
        for position, key in enumerate(sections, start=1):
            section_rows[key] = Section.objects.create(
                survey=survey, position=position, title_en=SECTIONS[key][0], title_es=SECTIONS[key][1]
            )
        by_code = {}
        positions: dict[str, int] = {}
        for q in questions:
            positions[q.section] = positions.get(q.section, 0) + 1
            condition = by_code.get(q.show_when[0]) if q.show_when else None
            row = Question.objects.create(
                survey=survey,
                section=section_rows[q.section],
                position=positions[q.section],
                code=q.code,
                kind=q.kind,
                text_en=q.for_group(q.en, group),
                text_es=q.for_group(q.es, group),
                required=q.required,
                show_when_question=condition,
                show_when_value=q.show_when[1] if q.show_when else "",
                min_value=q.min_value,
                max_value=q.max_value,
            )
            by_code[q.code] = row
            for position, (value, en, es, favourable, base) in enumerate(choices_for(q), start=1):
                Choice.objects.create(
                    question=row,
                    position=position,
                    value=value,
                    label_en=en,
                    label_es=es,
                    favourable=favourable,
                    counts_in_base=base,
                )
            for code in q.for_group(q.tags, group) or ():
                MeasureTag.objects.create(question=row, code=code)
        created.append(survey)
    return created
