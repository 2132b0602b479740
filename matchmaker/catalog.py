"""Labels shown to people for the domain's codes, and the list of BTU study programmes."""

from flask_babel import lazy_gettext as _l

from .models import Degree, FieldOfAction, OfferKind, OfferStatus, Role, Sector, SizeBand

OFFER_KIND_LABELS = {
    OfferKind.job: _l("Job"),
    OfferKind.internship: _l("Internship"),
    OfferKind.thesis: _l("Thesis"),
    OfferKind.working_student: _l("Working student"),
    OfferKind.trainee: _l("Trainee programme"),
    OfferKind.research_project: _l("Research project"),
}

OFFER_STATUS_LABELS = {
    OfferStatus.draft: _l("Draft"),
    OfferStatus.published: _l("Published"),
    OfferStatus.closed: _l("Closed"),
    OfferStatus.expired: _l("Expired"),
}

SECTOR_LABELS = {
    Sector.energy: _l("Energy"),
    Sector.hydrogen: _l("Hydrogen"),
    Sector.paper_packaging: _l("Paper and packaging"),
    Sector.chemicals: _l("Chemicals"),
    Sector.recycling: _l("Recycling and circular economy"),
    Sector.plant_engineering: _l("Metal and plant engineering"),
    Sector.automation: _l("Automation and electrical"),
    Sector.logistics: _l("Logistics"),
    Sector.it: _l("IT"),
    Sector.construction: _l("Construction"),
    Sector.services: _l("Services"),
    Sector.research: _l("Research"),
}

SIZE_LABELS = {
    SizeBand.micro: _l("1–9 employees"),
    SizeBand.small: _l("10–49 employees"),
    SizeBand.medium: _l("50–249 employees"),
    SizeBand.large: _l("250 or more employees"),
}

DEGREE_LABELS = {
    Degree.bachelor: _l("Bachelor"),
    Degree.master: _l("Master"),
    Degree.diplom: _l("Diplom"),
    Degree.phd: _l("PhD"),
}

ROLE_LABELS = {
    Role.graduate: _l("Graduate"),
    Role.company: _l("Company"),
    Role.researcher: _l("Researcher"),
    Role.staff: _l("Staff"),
    Role.admin: _l("Admin"),
    Role.board: _l("Board"),
}

LANGUAGE_NAMES = {
    "de": _l("German"),
    "en": _l("English"),
    "pl": _l("Polish"),
    "cs": _l("Czech"),
    "fr": _l("French"),
    "es": _l("Spanish"),
    "ru": _l("Russian"),
    "uk": _l("Ukrainian"),
    "ar": _l("Arabic"),
    "zh": _l("Chinese"),
    "hi": _l("Hindi"),
    "tr": _l("Turkish"),
}

# Study programmes of BTU Cottbus-Senftenberg (names as the university writes them).
BTU_PROGRAMMES = (
    "Architektur",
    "Artificial Intelligence",
    "Betriebswirtschaftslehre",
    "Bauingenieurwesen",
    "Biotechnologie",
    "Cyber Security",
    "Elektrotechnik",
    "Energietechnik und Energiewirtschaft",
    "Environmental and Resource Management",
    "Informatik",
    "Kraftwerkstechnik",
    "Maschinenbau",
    "Mathematik",
    "Mechatronik und Automatisierungstechnik",
    "Physik",
    "Power Engineering",
    "Soziale Arbeit",
    "Stadt- und Regionalplanung",
    "Umweltingenieurwesen",
    "Wirtschaftsingenieurwesen",
    "Wirtschaftsmathematik",
    "Verfahrenstechnik",
    "Wasserstofftechnik",
    "Transformation Studies",
    "Wirtschaftsinformatik",
)


def choices(labels: dict, blank: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field, optionally with a leading blank."""
    items = [(key.value, label) for key, label in labels.items()]
    return ([("", blank)] if blank is not None else []) + items


# ---- brokered introductions --------------------------------------------------------------------

from .models import IntroductionState  # noqa: E402

INTRODUCTION_STATE_LABELS = {
    IntroductionState.proposed: _l("Proposed"),
    IntroductionState.accepted_by_graduate: _l("Accepted by the graduate"),
    IntroductionState.accepted_by_company: _l("Accepted by the company"),
    IntroductionState.introduced: _l("Introduced"),
    IntroductionState.interview: _l("Interview"),
    IntroductionState.hired: _l("Hired"),
    IntroductionState.internship: _l("Internship agreed"),
    IntroductionState.thesis: _l("Thesis agreed"),
    IntroductionState.project: _l("Project agreed"),
    IntroductionState.no_fit: _l("No fit"),
    IntroductionState.project_started: _l("Project started"),
    IntroductionState.funding_applied: _l("Funding applied for"),
    IntroductionState.thesis_topic_given: _l("Thesis topic given"),
    IntroductionState.declined: _l("Declined"),
    IntroductionState.withdrawn: _l("Withdrawn"),
    IntroductionState.expired: _l("Expired"),
}

# An introduction to a research unit names the unit where the labels above name the graduate.
UNIT_STATE_LABELS = {
    IntroductionState.accepted_by_graduate: _l("Accepted by the research unit"),
}

# The graduate reads their own introductions in the first person; states not named here use the labels above.
GRADUATE_STATE_LABELS = {
    IntroductionState.proposed: _l("Waiting for your answer"),
    IntroductionState.accepted_by_graduate: _l("You accepted · the company has not answered yet"),
    IntroductionState.accepted_by_company: _l("The company invites you · waiting for your answer"),
    IntroductionState.introduced: _l("You have been introduced"),
    IntroductionState.declined: _l("Ended: declined"),
    IntroductionState.withdrawn: _l("Ended: withdrawn"),
}

# The board's fields of action (named in FIELD_OF_ACTION_NAMES below), and the offer kinds each is measured
# by. BTU on site and public relations have no offers: their work shows in the events and the plan of measures,
# so an introduction never belongs to them.
FIELD_OF_ACTION_KINDS = {
    FieldOfAction.qualification: (OfferKind.internship, OfferKind.thesis, OfferKind.working_student,
                                  OfferKind.trainee),
    FieldOfAction.innovation: (OfferKind.research_project,),
    FieldOfAction.structural_change: (OfferKind.job,),
    FieldOfAction.on_site: (),
    FieldOfAction.public_relations: (),
}

OFFER_KIND_FIELD_OF_ACTION = {kind: field for field, kinds in FIELD_OF_ACTION_KINDS.items() for kind in kinds}


# ---- the board's fields of action and the Präsenzstelle's events ------------------------------

from .models import EventAudience, EventPlace, EventType, RegistrationStatus  # noqa: E402

FIELD_OF_ACTION_NAMES = {
    FieldOfAction.qualification: _l("Qualification and education"),
    FieldOfAction.innovation: _l("Innovation and knowledge transfer"),
    FieldOfAction.structural_change: _l("Structural change"),
    FieldOfAction.on_site: _l("BTU on site in Spremberg"),
    FieldOfAction.public_relations: _l("Public relations"),
}
# One set of names for the five fields wherever they appear (filters, events, report, About page).
FIELD_OF_ACTION_LABELS = FIELD_OF_ACTION_NAMES

EVENT_TYPE_LABELS = {
    EventType.company_visit: _l("Company visit"),
    EventType.job_fair: _l("Job fair"),
    EventType.office_hours: _l("Office hours in Spremberg"),
    EventType.talk: _l("Talk or workshop"),
    EventType.info_day: _l("Information day"),
}

EVENT_PLACE_LABELS = {
    EventPlace.spremberg: _l("Spremberg"),
    EventPlace.dock3: _l("Dock3 Lausitz"),
    EventPlace.online: _l("Online"),
    EventPlace.elsewhere: _l("Elsewhere"),
}

EVENT_AUDIENCE_LABELS = {
    EventAudience.graduates: _l("Graduates"),
    EventAudience.companies: _l("Companies"),
    EventAudience.both: _l("Graduates and companies"),
    EventAudience.public: _l("Everyone"),
}

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.registered: _l("Registered"),
    RegistrationStatus.waiting: _l("Waiting list"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}

# ---- stories and news ---------------------------------------------------------------------------

from .models import StoryKind, StoryStatus  # noqa: E402

STORY_KIND_LABELS = {
    StoryKind.story: _l("Success story"),
    StoryKind.news: _l("News"),
}

STORY_STATUS_LABELS = {
    StoryStatus.draft: _l("Draft"),
    StoryStatus.awaiting_consent: _l("Waiting for the people named"),
    StoryStatus.published: _l("Published"),
    StoryStatus.withdrawn: _l("Offline: consent withdrawn"),
    StoryStatus.offline: _l("Offline"),
}

# ---- BTU research units --------------------------------------------------------------------

from .models import Faculty, UnitKind  # noqa: E402

FACULTY_LABELS = {
    Faculty.mint: _l("Faculty 1: Mathematics, Computer Science, Physics, Electrical Engineering and Information Technology"),
    Faculty.environment: _l("Faculty 2: Environment and Natural Sciences"),
    Faculty.engineering_energy: _l("Faculty 3: Mechanical Engineering, Electrical and Energy Systems"),
    Faculty.social_health_music: _l("Faculty 4: Social Work, Health and Music"),
    Faculty.business_law_society: _l("Faculty 5: Business, Law and Social Sciences"),
    Faculty.architecture_civil: _l("Faculty 6: Architecture, Civil Engineering and Urban Planning"),
}

UNIT_KIND_LABELS = {
    UnitKind.chair: _l("Chair"),
    UnitKind.lab: _l("Lab"),
    UnitKind.institute: _l("Institute"),
    UnitKind.student_group: _l("Student research group"),
}
