"""The Präsenzstelle's fictional stories and news for `flask seed-demo`: three success stories (one names a
graduate who confirmed it, one a chair's project with a company, shown on the chair's page too, one still waiting for the confirmation of
the demo graduate whose login `make run` prints) and two news items, with drawn pictures.

A story is keyed by its German title and, once there, left exactly as it is. Its text starts with "[Demo]"
like the companies' and events' texts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from .extensions import db
from .demo_research import UNIT_PREFIX, UNITS
from .models import (Company, ConsentRecord, Event, EventType, Offer, ResearchUnit, Story, StoryKind, StoryLink,
                     StoryPerson, StoryStatus, User)
from .stories import images
from .stories.operations import CONSENT_PURPOSE, CONSENT_VERSION, consent_text

DEMO_MARK = "[Demo] "


@dataclass(frozen=True)
class StorySpec:
    kind: StoryKind
    days_ago: int
    colour: tuple[int, int, int]
    title_de: str
    title_en: str
    summary_de: str
    summary_en: str
    body_de: str
    body_en: str
    companies: tuple[str, ...] = ()   # company slugs (the contact address's local part)
    offer_prefix: str = ""            # the first demo offer whose title starts so
    event_type: EventType | None = None
    unit: str = ""                    # the slug of a demo research unit (demo_research.py), seeded before
    person: int | None = None         # index of the demo graduate it names
    confirmed: bool = True


STORIES = (
    StorySpec(StoryKind.story, 40, (11, 95, 138),
              "Vom Hörsaal in die Leitwarte: Ein Jahr nach dem Master im Industriepark",
              "From the lecture hall to the control room: one year after the master's in the park",
              "Wie aus einer Abschlussarbeit über Elektrolyse eine feste Stelle in Schwarze Pumpe wurde.",
              "How a thesis on electrolysis became a permanent post in Schwarze Pumpe.",
              "Nach der Masterarbeit über den dynamischen Betrieb von PEM-Elektrolyseuren begann für %(name)s die "
              "Arbeit in der Verfahrenstechnik der Lausitzer Wasserstoff GmbH. Die Präsenzstelle hatte den Kontakt "
              "vermittelt, nachdem beide Seiten zugestimmt hatten.\nHeute plant %(name)s den Ausbau der Anlage mit: "
              "„Ich wollte in der Lausitz bleiben, und hier kann ich an der Energiewende mitbauen.“",
              "After a master's thesis on the dynamic operation of PEM electrolysers, %(name)s started in process "
              "engineering at Lausitzer Wasserstoff GmbH. The Präsenzstelle introduced both sides once they had "
              "agreed.\nToday %(name)s helps plan the plant's expansion: \"I wanted to stay in Lusatia, and here I "
              "can help build the energy transition.\"",
              companies=("wasserstoff",), offer_prefix="Verfahrensingenieur", person=1),
    StorySpec(StoryKind.story, 25, (31, 122, 61),
              "Papier ohne Wasserverlust: Lehrstuhl und Papierfabrik forschen gemeinsam",
              "Paper without losing water: a chair and a paper mill do research together",
              "Funksensoren in der Trockenpartie zeigen, wo die Papiermaschine Wasser und Energie verliert.",
              "Wireless sensors in the drying section show where the paper machine loses water and energy.",
              "Aus einer Forschungsfrage auf Matchmaker wurde ein gemeinsames Projekt: Der Lehrstuhl für Verteilte "
              "Systeme und Sensornetze der BTU erprobt mit der Pumpe Papier & Verpackung GmbH ein Funksensornetz, "
              "das die Feuchte der Papierbahn laufend misst. Zwei Studierende schreiben ihre Abschlussarbeiten dazu.",
              "A research question on Matchmaker became a joint project: BTU's Chair of Distributed Systems and "
              "Sensor Networks tries out a wireless sensor network with Pumpe Papier & Verpackung GmbH that measures "
              "the moisture of the paper web on line. Two students write their theses on it.",
              companies=("papier",), unit="iot"),
    StorySpec(StoryKind.story, 2, (226, 113, 29),
              "Zwischen Vorlesung und Schichtplan: Studieren und arbeiten im Kraftwerk",
              "Between lectures and shift plans: studying and working at the power plant",
              "Wie Studium und Arbeit im Kraftwerk zusammenpassen.",
              "How studying and working at the power plant fit together.",
              "%(name)s studiert an der BTU und arbeitet zwei Tage die Woche bei der Spreekraft Energie AG. "
              "Die Geschichte wird erst veröffentlicht, wenn %(name)s sie im eigenen Konto bestätigt hat.",
              "%(name)s studies at BTU and works two days a week at Spreekraft Energie AG. The story is published "
              "only once %(name)s has confirmed it in their own account.",
              companies=("spreekraft",), person=0, confirmed=False),
    StorySpec(StoryKind.news, 10, (90, 60, 140),
              "Jobmesse im Dock3: Zwölf Unternehmen aus dem Park stellen sich vor",
              "Job fair at Dock3: twelve companies of the park introduce themselves",
              "Anmeldung für Studierende und Absolventinnen und Absolventen ist offen.",
              "Registration for students and graduates is open.",
              "Die Präsenzstelle lädt zur Jobmesse im Dock3 Lausitz ein. Melden Sie sich auf der "
              "Veranstaltungsseite an; Unternehmen bringen offene Stellen, Praktika und Themen für Abschlussarbeiten mit.",
              "The Präsenzstelle invites you to the job fair at Dock3 Lausitz. Register on the event's page; "
              "companies bring open posts, internships and thesis topics.",
              event_type=EventType.job_fair),
    StorySpec(StoryKind.news, 5, (120, 120, 120),
              "Aufruf: Forschungsfragen für das Sommersemester gesucht",
              "Call: research questions wanted for the summer semester",
              "Unternehmen können bis Ende des Monats Fragen für gemeinsame Projekte einreichen.",
              "Companies can post questions for joint projects until the end of the month.",
              "Haben Sie eine Messung, eine Studie oder einen Prototyp, für den Sie Unterstützung aus der "
              "Wissenschaft suchen? Stellen Sie Ihre Forschungsfrage auf Matchmaker ein; die Präsenzstelle bringt "
              "Sie mit passenden Lehrstühlen zusammen.",
              "Do you have a measurement, a study or a prototype for which you seek support from science? Post your "
              "research question on Matchmaker; the Präsenzstelle brings you together with fitting chairs."),
)


def _picture(colour: tuple[int, int, int], seed: int) -> bytes:
    """A drawn picture (hills under a sky) in the story's colour, the same every time."""
    image = Image.new("RGB", (1200, 675), tuple(min(255, c + 120) for c in colour))
    draw = ImageDraw.Draw(image)
    for n in range(4):
        top = 330 + n * 70 + (seed * 17 + n * 29) % 40
        shade = tuple(max(0, c - n * 25) for c in colour)
        draw.polygon([(0, 675), (0, top), (300 + n * 90, top - 60), (700 - n * 40, top + 20),
                      (1200, top - 30), (1200, 675)], fill=shade)
    draw.ellipse((900 - seed * 40, 80, 1020 - seed * 40, 200), fill=(255, 236, 170))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seed_stories(staff: User | None, graduates: list[User], now: datetime) -> int:
    """Add the demo stories that are missing; return how many were added."""
    existing = set(db.session.scalars(sa.select(Story.title_de).where(
        Story.title_de.in_([spec.title_de for spec in STORIES]), Story.body_de.startswith(DEMO_MARK))))
    companies = {c.contact_email.split("@")[0]: c for c in db.session.scalars(
        sa.select(Company).where(Company.is_demo.is_(True), Company.verified_at.is_not(None)))}
    graduates = [g for g in graduates if g.profile is not None]
    unit_names = {spec.slug: UNIT_PREFIX + spec.name for spec in UNITS}
    added = 0
    for number, spec in enumerate(STORIES):
        if spec.title_de in existing:
            continue
        person = graduates[spec.person] if spec.person is not None and spec.person < len(graduates) else None
        name = person.profile.name if person is not None else ""
        published = now - timedelta(days=spec.days_ago)
        status = StoryStatus.published if person is None or spec.confirmed else StoryStatus.awaiting_consent
        story = Story(kind=spec.kind, status=status, title_de=spec.title_de, title_en=spec.title_en,
                      summary_de=spec.summary_de, summary_en=spec.summary_en,
                      body_de=DEMO_MARK + spec.body_de.replace("%(name)s", name),
                      body_en=DEMO_MARK + spec.body_en.replace("%(name)s", name),
                      image=images.store_image(_picture(spec.colour, number)),
                      image_alt_de="Gezeichnete Hügellandschaft unter hellem Himmel (Platzhalterbild)",
                      image_alt_en="Drawn hills under a bright sky (placeholder picture)",
                      published_at=published if status == StoryStatus.published else None,
                      author_id=getattr(staff, "id", None), created_at=published - timedelta(days=3),
                      updated_at=published)
        story.links = [StoryLink(company_id=companies[slug].id) for slug in spec.companies if slug in companies]
        if spec.offer_prefix:
            offer = db.session.scalar(sa.select(Offer).where(Offer.is_demo.is_(True),
                                                             Offer.title.startswith(spec.offer_prefix))
                                      .order_by(Offer.id).limit(1))
            if offer is not None:
                story.links.append(StoryLink(offer_id=offer.id))
        if spec.event_type is not None:
            event = db.session.scalar(sa.select(Event).where(Event.type == spec.event_type, Event.starts_at > now)
                                      .order_by(Event.starts_at).limit(1))
            if event is not None:
                story.links.append(StoryLink(event_id=event.id))
        if spec.unit:
            unit = db.session.scalar(sa.select(ResearchUnit).where(
                ResearchUnit.name == unit_names.get(spec.unit), ResearchUnit.is_demo.is_(True),
                ResearchUnit.verified_at.is_not(None)))
            if unit is not None:
                story.links.append(StoryLink(research_unit_id=unit.id))
        if person is not None:
            named = StoryPerson(user_id=person.id, created_at=story.created_at)
            if spec.confirmed:
                locale = person.locale if person.locale in ("de", "en") else "de"
                confirmed_at = published - timedelta(days=1)
                named.consent = ConsentRecord(user_id=person.id, purpose=CONSENT_PURPOSE,
                                              text=consent_text(story, locale), text_version=CONSENT_VERSION,
                                              given_at=confirmed_at)
                named.confirmed_at = confirmed_at
            story.people.append(named)
        db.session.add(story)
        added += 1
    db.session.flush()
    return added
