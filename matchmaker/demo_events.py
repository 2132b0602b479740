"""The Präsenzstelle's fictional events for `flask seed-demo`: ten past and upcoming events of every type and
place, with registrations by demo graduates and company users, a full one with a waiting list, and for the
past ones the attendance staff recorded (walk-ins counted, not named).

An event is keyed by its German title and, once there, left exactly as it is with its registrations.
Times are chosen in Europe/Berlin and stored as naive UTC like every time here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .extensions import db
from .models import (Company, Event, EventAudience, EventPlace, EventRegistration, EventType, FieldOfAction, Offer,
                     RegistrationStatus, Role, User)

BERLIN = ZoneInfo("Europe/Berlin")
# Marks every demo event, like the companies' "[Demo]" texts.
DEMO_MARK = "[Demo] "


@dataclass(frozen=True)
class EventSpec:
    type: EventType
    place: EventPlace
    venue: str
    in_days: int                       # from today (Europe/Berlin); negative: in the past
    start: time                        # local time in Europe/Berlin
    hours: float
    capacity: int | None
    audience: EventAudience
    field: FieldOfAction
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    companies: tuple[str, ...] = ()    # company slugs
    offers: tuple[str, ...] = ()       # offer titles
    registrations: int = 0             # how many sign up, before cancellations
    waiting: int = 0                   # how many more find it full
    cancelled: int = 0
    walk_ins: int = 0


E, P, A, F = EventType, EventPlace, EventAudience, FieldOfAction

EVENTS = (
    EventSpec(E.info_day, P.elsewhere, "BTU Cottbus-Senftenberg, Zentralcampus, Hörsaal 1 (fiktiv)", -205,
              time(10, 0), 4, 60, A.companies, F.innovation,
              "Infotag: Mit der BTU forschen – Kooperationen für Unternehmen im Industriepark",
              "Information day: Research with BTU – cooperation for companies in the industrial park",
              "Lehrstühle der BTU stellen vor, wie Unternehmen mit ihnen forschen können: Abschlussarbeiten, "
              "gemeinsame Förderprojekte und Auftragsforschung. Danach Gespräche an Thementischen.",
              "BTU chairs present how companies can do research with them: theses, joint funded projects and "
              "contract research, followed by conversations at themed tables.",
              companies=("wasserstoff", "spezialchemie", "kreislauf", "papier"), registrations=9, cancelled=1,
              walk_ins=3),
    EventSpec(E.job_fair, P.dock3, "Dock3 Lausitz, Industriepark Schwarze Pumpe (fiktive Angaben)", -126,
              time(10, 0), 5, 150, A.both, F.structural_change,
              "Jobmesse Industriepark Schwarze Pumpe im Dock3",
              "Job fair of the Industriepark Schwarze Pumpe at Dock3",
              "Zehn Unternehmen des Industrieparks stellen Stellen, Praktika und Abschlussarbeiten vor. "
              "Die Präsenzstelle berät vor Ort zu Bewerbung und Profil.",
              "Ten companies of the industrial park present jobs, internships and theses. The Präsenzstelle "
              "advises on applications and profiles on site.",
              companies=("wasserstoff", "spreekraft", "papier", "anlagenbau", "automation", "parklogistik"),
              offers=("Data Scientist – Industrial Analytics",),
              registrations=24, cancelled=3, walk_ins=17),
    EventSpec(E.company_visit, P.spremberg, "Lausitz Automation & Elektro GmbH, Spremberg (fiktiv)", -61,
              time(13, 0), 2.5, 15, A.graduates, F.structural_change,
              "Betriebsbesuch: Automatisierung vom Schaltschrank bis zur Inbetriebnahme",
              "Company visit: Automation from the control cabinet to commissioning",
              "Rundgang durch Schaltschrankbau und Testfeld mit dem Team, anschließend Gespräch über Einstiege "
              "für Absolventinnen, Absolventen und Werkstudierende.",
              "A tour of the control cabinet workshop and test bay with the team, then a talk about ways in for "
              "graduates and working students.",
              companies=("automation",), offers=("Werkstudent Elektrokonstruktion EPLAN (m/w/d)",),
              registrations=15, cancelled=2, walk_ins=1),
    EventSpec(E.talk, P.spremberg, "Spremberg, Bürgerhaus, Seminarraum (fiktiv)", -33, time(16, 0), 2, 20,
              A.graduates, F.qualification,
              "Workshop: Bewerben in der Lausitz – Lebenslauf und Anschreiben",
              "Workshop: Applying in Lusatia – CV and cover letter",
              "Wie lesen Personalabteilungen im Industriepark Bewerbungen? Mit Übungen am eigenen Lebenslauf; "
              "bringen Sie ihn gern mit.",
              "How do HR departments in the industrial park read applications? With exercises on your own CV; "
              "feel free to bring it.",
              companies=("papier",), registrations=16, cancelled=1, walk_ins=2),
    EventSpec(E.office_hours, P.spremberg, "Spremberg, Präsenzstelle, Am Markt (fiktiv)", -12, time(14, 0), 3, 10,
              A.both, F.on_site,
              "Sprechstunde der Präsenzstelle in Spremberg",
              "Präsenzstelle office hours in Spremberg",
              "Fragen zu Profil, Angeboten oder Vermittlung? Die Präsenzstelle ist in Spremberg vor Ort, "
              "für Absolventinnen, Absolventen und Unternehmen.",
              "Questions about your profile, offers or introductions? The Präsenzstelle is in Spremberg in "
              "person, for graduates and companies.",
              registrations=6, cancelled=1, walk_ins=4),
    EventSpec(E.office_hours, P.spremberg, "Spremberg, Präsenzstelle, Am Markt (fiktiv)", 9, time(14, 0), 3, 10,
              A.both, F.on_site,
              "Sprechstunde der Präsenzstelle in Spremberg (Dezember)",
              "Präsenzstelle office hours in Spremberg (December)",
              "Die monatliche Sprechstunde in Spremberg: ohne Termin, gern auch mit Anmeldung.",
              "The monthly office hours in Spremberg: walk in, or register ahead.",
              registrations=4),
    EventSpec(E.company_visit, P.elsewhere, "Pumpe Papier & Verpackung GmbH, Industriepark Schwarze Pumpe (fiktiv)",
              16, time(10, 0), 2, 6, A.graduates, F.qualification,
              "Betriebsbesichtigung Papierwerk: Von Altpapier zur Wellpappe",
              "Company visit to the paper mill: From recovered paper to containerboard",
              "Kleine Gruppe, großer Einblick: Papiermaschine, Labor und Energiezentrale. Sicherheitsschuhe "
              "werden gestellt.",
              "A small group, a big insight: paper machine, lab and energy centre. Safety shoes are provided.",
              companies=("papier",),
              offers=("Produktionsingenieur Papiermaschine (m/w/d)", "Internship: Predictive Maintenance on Paper "
                      "Machines"),
              registrations=7, waiting=3, cancelled=1),
    EventSpec(E.talk, P.online, "Online (Videokonferenz, Link nach Anmeldung)", 23, time(18, 0), 1.5, None,
              A.public, F.public_relations,
              "Vortrag: Wasserstoff in der Lausitz – was der Strukturwandel für Berufseinsteiger bedeutet",
              "Talk: Hydrogen in Lusatia – what structural change means for young professionals",
              "Ein Abendvortrag mit Fragen aus dem Publikum, offen für alle Interessierten.",
              "An evening talk with questions from the audience, open to everyone interested.",
              companies=("wasserstoff", "spreekraft"), registrations=9, cancelled=1),
    EventSpec(E.job_fair, P.dock3, "Dock3 Lausitz, Industriepark Schwarze Pumpe (fiktive Angaben)", 45, time(10, 0),
              5, 120, A.both, F.structural_change,
              "Jobmesse im Dock3: Karriere im Industriepark",
              "Job fair at Dock3: Careers in the industrial park",
              "Unternehmen des Parks, Lehrstühle der BTU und die Präsenzstelle an einem Ort: Stellen, Praktika, "
              "Abschlussarbeiten und Beratung.",
              "Companies of the park, BTU chairs and the Präsenzstelle in one place: jobs, internships, theses "
              "and advice.",
              companies=("kreislauf", "anlagenbau", "automation", "pumpe-digital", "metallbau", "spezialchemie"),
              offers=("SPS-Programmierer Siemens S7 / TIA Portal (m/w/d)", "OT Security Engineer",
                      "Ingenieur Batterierecycling – Mechanische Aufbereitung (m/w/d)"),
              registrations=12),
    EventSpec(E.info_day, P.dock3, "Dock3 Lausitz, Industriepark Schwarze Pumpe (fiktive Angaben)", 68,
              time(9, 30), 4.5, 40, A.companies, F.innovation,
              "Infotag Fachkräfte: Praktika, Werkstudierende und Abschlussarbeiten betreuen",
              "Information day: Hosting interns, working students and theses",
              "Für Unternehmen: wie Praktika und Abschlussarbeiten mit der BTU gelingen, von der Ausschreibung "
              "bis zur Betreuung.",
              "For companies: how internships and theses with BTU work, from the posting to supervision.",
              registrations=5),
)


def _utc(day: date, at: time) -> datetime:
    """A local time in Europe/Berlin on `day`, as naive UTC."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _people(audience: EventAudience, graduates: list[User], company_users: list[User],
            rng: random.Random) -> list[User]:
    if audience == EventAudience.graduates:
        pool = list(graduates)
    elif audience == EventAudience.companies:
        pool = list(company_users)
    else:
        pool = list(graduates) + list(company_users)
    rng.shuffle(pool)
    return pool


def seed_events(staff: User | None, graduates: list[User], company_users: list[User], now: datetime,
                rng: random.Random) -> int:
    """Add the demo events that are missing; return how many were added."""
    existing = set(db.session.scalars(sa.select(Event.title_de).where(
        Event.title_de.in_([spec.title_de for spec in EVENTS]), Event.description_de.startswith(DEMO_MARK))))
    companies = {c.contact_email.split("@")[0]: c for c in db.session.scalars(
        sa.select(Company).where(Company.is_demo.is_(True)))}
    titles = [title for spec in EVENTS for title in spec.offers]
    offers = {o.title: o for o in db.session.scalars(sa.select(Offer).where(
        Offer.is_demo.is_(True), Offer.title.in_(titles)))}
    today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(BERLIN).date()
    graduates = sorted(graduates, key=lambda u: u.email)
    company_users = sorted(company_users, key=lambda u: u.email)
    added = 0
    for spec in EVENTS:
        # Drawn for every event, new or not, so that each event always gets the same people and times.
        people = _people(spec.audience, graduates, company_users, rng)
        gaps = [rng.randint(1, 20) for _ in range(spec.registrations + spec.waiting)]
        shows = [rng.random() for _ in range(spec.registrations)]
        if spec.title_de in existing:
            continue
        starts = _utc(today + timedelta(days=spec.in_days), spec.start)
        event = Event(type=spec.type, place=spec.place, venue=spec.venue, starts_at=starts,
                      ends_at=starts + timedelta(hours=spec.hours), capacity=spec.capacity, audience=spec.audience,
                      field_of_action=spec.field, title_de=spec.title_de, title_en=spec.title_en,
                      description_de=DEMO_MARK + spec.description_de, description_en=DEMO_MARK + spec.description_en,
                      walk_ins=spec.walk_ins if starts < now else 0, created_by_id=getattr(staff, "id", None))
        event.companies = [companies[slug] for slug in spec.companies if slug in companies]
        event.offers = [offers[title] for title in spec.offers if title in offers]
        _register(event, spec, people, gaps, shows, now)
        first = min([r.created_at for r in event.registrations] + [starts - timedelta(days=30)])
        event.created_at = min(first - timedelta(days=3), now)
        event.updated_at = max([event.created_at] + [r.updated_at for r in event.registrations])
        if starts < now:
            event.updated_at = max(event.updated_at, event.ends_at + timedelta(hours=1))
        db.session.add(event)
        added += 1
    db.session.flush()
    return added


def _register(event: Event, spec: EventSpec, people: list[User], gaps: list[int], shows: list[float],
              now: datetime) -> None:
    """Sign people up, newest last; later ones find the event full and wait. Cancellations come early,
    before the event filled, so nobody waiting would have moved up."""
    past = event.starts_at < now
    # Registrations open some weeks ahead; everyone signs up before the event and before now.
    moment = min(event.starts_at, now) - timedelta(days=sum(gaps) // 2 + 2)
    taken = 0
    for n, person in enumerate(people[:spec.registrations + spec.waiting]):
        moment = min(moment + timedelta(hours=gaps[n] * 3 + 1), now - timedelta(hours=1),
                     event.starts_at - timedelta(hours=2))
        full = event.capacity is not None and taken >= event.capacity
        registration = EventRegistration(user=person, created_at=moment, updated_at=moment,
                                         status=RegistrationStatus.waiting if full else RegistrationStatus.registered)
        if not full and n < spec.cancelled:
            registration.status = RegistrationStatus.cancelled
            registration.cancelled_at = registration.updated_at = max(moment, min(
                moment + timedelta(hours=5), now - timedelta(minutes=30), event.starts_at - timedelta(hours=1)))
        elif not full:
            taken += 1
            if past:
                registration.attended = shows[n] < 0.8
                registration.reminded_at = event.starts_at - timedelta(hours=20)
                registration.updated_at = event.ends_at + timedelta(hours=1)
        event.registrations.append(registration)


def demo_event_people() -> tuple[list[User], list[User]]:
    """The demo graduates and the demo companies' active users, who sign up for the events."""
    users = list(db.session.scalars(sa.select(User).where(User.is_demo.is_(True),
                                                          User.role.in_([Role.graduate, Role.company]))))
    graduates = [u for u in users if u.role == Role.graduate and u.profile is not None]
    company_users = [u for u in users if u.active_company is not None and u.active_company.is_verified]
    return graduates, company_users
