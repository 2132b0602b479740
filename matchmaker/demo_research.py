"""Fictional BTU research units for `flask seed-demo`: ten units across the faculties, four published
research questions from park companies (`demo.py`'s own research questions are closed or drafts by now),
the demo researcher as a member of one unit, and two introductions between a company and a unit.

Marked like the rest of the demo data: unit names start with "Demo: ", their expertise with "[Demo]",
contact addresses are under demo.matchmaker.example. Seeding is idempotent: units are keyed by name,
questions by company and title, the membership by unit and user; the introductions are made once, when
no demo unit has one yet, by the real operations at past times (their mail is dropped, as in
`demo_brokering.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .extensions import db
from .models import (Company, Faculty, Introduction, Offer, OfferKind, OfferStatus, ResearchUnit, ResearchUnitMember,
                     Role, UnitKind, User)

UNIT_PREFIX = "Demo: "
TEXT_PREFIX = "[Demo] "


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    faculty: Faculty
    kind: UnitKind
    head: str
    topics: str
    expertise: str
    methods: str
    equipment: str
    verified: bool = True


UNITS = (
    UnitSpec("h2", "Lehrstuhl Wasserstofftechnik", Faculty.engineering_energy, UnitKind.chair, "Prof. Dr. Hanna Beispiel",
             "Elektrolyse, Brennstoffzellen, Wasserstoffspeicherung, Degradation von Elektrolyseuren",
             "Wir erforschen PEM- und alkalische Elektrolyse im dynamischen Betrieb mit Wind- und Solarstrom, die "
             "Alterung von Stacks und die Reinheit des erzeugten Wasserstoffs.",
             "Langzeitversuche, Impedanzspektroskopie, Gasanalytik", "Elektrolyseprüfstand 100 kW, Gaschromatograph"),
    UnitSpec("energy-systems", "Chair of Energy Systems and Heat Networks", Faculty.engineering_energy, UnitKind.chair,
             "Prof. Dr. Jonas Example",
             "district heating, heat pumps, waste heat recovery, energy system modelling, sector coupling",
             "We model regional energy systems and design district heating networks that use industrial waste heat "
             "with large heat pumps. We assess the techno-economic feasibility of heat recovery from electrolysers, "
             "power plants and paper mills.",
             "energy system modelling, thermodynamic simulation, techno-economic assessment",
             "heat pump test rig, network simulation software"),
    UnitSpec("materials", "Fachgebiet Werkstoffe und Korrosion", Faculty.engineering_energy, UnitKind.lab,
             "Dr. Karla Muster", "Korrosion, Werkstoffprüfung, Schweißverbindungen, Stahl im Wasserstoffkontakt",
             "Wir prüfen metallische Werkstoffe auf Korrosion und Wasserstoffversprödung und beraten zur "
             "Werkstoffwahl im Anlagenbau.", "Zugversuche, Metallografie, Rasterelektronenmikroskopie",
             "Korrosionskammer, REM mit EDX"),
    UnitSpec("env-chem", "Environmental Chemistry Lab", Faculty.environment, UnitKind.lab, "Dr. Lea Sample",
             "chemical recycling, pyrolysis oil analysis, life cycle assessment, plastic waste",
             "We characterise pyrolysis oils and recyclates from mixed plastic waste, trace contaminants such as "
             "chlorine and heavy metals, and assess the carbon footprint of recycling routes.",
             "GC-MS, elemental analysis, life cycle assessment", "GC-MS, ICP-OES, pilot pyrolysis reactor"),
    UnitSpec("catalysis", "Lehrstuhl Technische Chemie und Katalyse", Faculty.environment, UnitKind.chair,
             "Prof. Dr. Paul Probe", "Katalyse, Methanolsynthese, CO2-Nutzung, Gasreinigung",
             "Wir entwickeln Kupferkatalysatoren für die Methanolsynthese aus grünem Wasserstoff und CO2 und "
             "untersuchen, wie Verunreinigungen im Gas ihre Lebensdauer verkürzen.",
             "Reaktionstechnik, Katalysatortests, kinetische Modellierung", "Festbettreaktoren, Gasanalytik"),
    UnitSpec("iot", "Chair of Distributed Systems and Sensor Networks", Faculty.mint, UnitKind.chair,
             "Prof. Dr. Mira Test", "wireless sensor networks, industrial IoT, machine learning on sensor data, "
             "predictive maintenance",
             "We build robust wireless sensor networks for harsh industrial sites and learn from their data to "
             "predict failures and to measure process quantities such as moisture and temperature on line.",
             "embedded software, edge computing, anomaly detection", "sensor testbed, LoRaWAN gateway"),
    UnitSpec("concrete", "Lehrstuhl Massivbau und Baustoffe", Faculty.architecture_civil, UnitKind.chair,
             "Prof. Dr. Bernd Beispiel", "Recyclingbeton, Baustoffprüfung, Rückbau, rezyklierte Gesteinskörnung",
             "Wir entwickeln Betone mit rezyklierter Gesteinskörnung aus Abbruch und prüfen ihre Festigkeit und "
             "Dauerhaftigkeit für den Hoch- und Tiefbau.", "Druckfestigkeitsprüfung, Frost-Tau-Versuche",
             "Baustofflabor, Prüfpresse 3000 kN"),
    UnitSpec("battery", "Institute for Battery Storage and Grid Integration", Faculty.engineering_energy,
             UnitKind.institute, "Prof. Dr. Ada Example",
             "battery ageing, lithium iron phosphate cells, balancing markets, storage operation strategies",
             "We measure and model the ageing of battery cells under real grid services and derive operation "
             "strategies that balance revenue from balancing power and arbitrage against degradation.",
             "cell cycling, ageing models, market simulation, optimisation", "cell cycler with 64 channels"),
    UnitSpec("regio", "Lehrstuhl Energiewirtschaft und Regionalökonomik", Faculty.business_law_society, UnitKind.chair,
             "Prof. Dr. Greta Muster", "Strukturwandel, Förderanträge, Wirtschaftlichkeitsrechnung, Energiemärkte",
             "Wir untersuchen den Strukturwandel in der Lausitz, bewerten Investitionen in Energieanlagen und "
             "begleiten Unternehmen bei gemeinsamen Förderanträgen mit der Hochschule.",
             "Wirtschaftlichkeitsrechnung, Befragungen, Regionalstatistik", ""),
    UnitSpec("racing", "Lausitz Hydrogen Racing (student research group)", Faculty.engineering_energy,
             UnitKind.student_group, "", "fuel cell vehicles, hydrogen safety, lightweight design",
             "Students of mechanical and electrical engineering build a fuel cell race car every year and test "
             "hydrogen safety concepts.", "CAD, rapid prototyping", "workshop, fuel cell stack 10 kW",
             verified=False),
)

# The demo researcher belongs to this unit (a German question meets its English texts).
RESEARCHER_UNIT = "energy-systems"


@dataclass(frozen=True)
class QuestionSpec:
    company: str  # the slug of a demo company
    language: str
    title: str
    body: str
    required: tuple[str, ...]
    fields: tuple[str, ...]
    days_ago: int
    kind: OfferKind = OfferKind.research_project

    @property
    def german(self) -> str | None:
        return "B2" if self.language == "de" else None


QUESTIONS = (
    QuestionSpec("spreekraft", "de", "Forschungsfrage: Abwärme des Kraftwerks für die Fernwärme nutzen",
                 "Nach dem Kohleausstieg fällt die Wärmeauskopplung unseres Blocks weg. Wir suchen einen Lehrstuhl "
                 "der BTU, der mit uns untersucht, wie Abwärme aus dem Gaskraftwerk, dem Speicher und den "
                 "Elektrolyseuren im Park über Großwärmepumpen in das Fernwärmenetz von Spremberg gelangen kann, und "
                 "was das kostet. Betriebsdaten und Lastgänge stellen wir bereit.",
                 ("Fernwärme", "Wärmepumpe", "Abwärmenutzung", "Energiesystemmodellierung"),
                 ("Energietechnik und Energiewirtschaft", "Kraftwerkstechnik"), 20),
    QuestionSpec("anlagenbau", "en", "Research question: Hydrogen embrittlement of welded pipework",
                 "Our customers convert natural gas pipework to hydrogen. We need to know which of our welded steel "
                 "joints are at risk of hydrogen embrittlement and how to test them. We look for a BTU lab with "
                 "materials testing and metallography to study samples from our workshop.",
                 ("hydrogen embrittlement", "welding", "materials testing", "corrosion"),
                 ("Maschinenbau", "Wasserstofftechnik"), 25),
    QuestionSpec("papier", "de", "Forschungsfrage: Feuchte der Papierbahn online messen",
                 "Wir möchten die Feuchte unserer Papierbahn an mehreren Stellen der Trockenpartie laufend messen, "
                 "mit robusten Funksensoren statt einzelner Handmessungen. Gesucht ist ein Lehrstuhl der BTU, der mit "
                 "uns ein Sensornetz erprobt und aus den Daten lernt, wann die Maschine nachgeregelt werden muss.",
                 ("Sensornetz", "Feuchtemessung", "Datenanalyse"), ("Informatik", "Elektrotechnik"), 9),
    QuestionSpec("kreislauf", "en", "Research question: Recycled aggregates from demolition concrete",
                 "We crush demolition concrete from the region's power plant sites. We want to know which of our "
                 "recycled aggregates can go into new structural concrete, and what testing a builder will ask for. "
                 "We look for a BTU chair to test mixes and durability with us.",
                 ("recycled concrete", "material testing", "demolition"), ("Bauingenieurwesen",), 14),
)

# (question title, unit slug, state): one introduction made, one proposed by staff and waiting.
INTRODUCTIONS = (
    ("Forschungsfrage: Abwärme des Kraftwerks für die Fernwärme nutzen", "energy-systems", "introduced"),
    ("Research question: Hydrogen embrittlement of welded pipework", "materials", "proposed"),
)


def _email(slug: str) -> str:
    from .demo import demo_email

    return demo_email(f"unit-{slug}")


def seed_units(now: datetime) -> tuple[dict[str, ResearchUnit], int]:
    """The demo units, by slug; and how many were added."""
    names = [UNIT_PREFIX + spec.name for spec in UNITS]
    existing = {u.name: u for u in db.session.scalars(sa.select(ResearchUnit).where(ResearchUnit.name.in_(names)))}
    units, created = {}, 0
    for n, spec in enumerate(UNITS):
        unit = existing.get(UNIT_PREFIX + spec.name)
        if unit is None:
            made = now - timedelta(days=120 - 7 * n)
            unit = ResearchUnit(name=UNIT_PREFIX + spec.name, faculty=spec.faculty, kind=spec.kind, head=spec.head,
                                contact_email=_email(spec.slug), topics=spec.topics,
                                expertise=TEXT_PREFIX + spec.expertise, methods=spec.methods,
                                equipment=spec.equipment, website=f"https://{spec.slug}.example.org",
                                is_demo=True, created_at=made, updated_at=made,
                                verified_at=made + timedelta(days=3) if spec.verified else None)
            db.session.add(unit)
            created += 1
        units[spec.slug] = unit
    db.session.flush()
    return units, created


def seed_membership(units: dict[str, ResearchUnit], researcher: User | None, now: datetime) -> int:
    unit = units.get(RESEARCHER_UNIT)
    if researcher is None or unit is None or not researcher.is_demo or researcher.role != Role.researcher:
        return 0
    if db.session.get(ResearchUnitMember, (unit.id, researcher.id)) is not None:
        return 0
    db.session.add(ResearchUnitMember(unit_id=unit.id, user_id=researcher.id, joined_at=unit.created_at))
    db.session.flush()
    db.session.expire(unit, ["members"])
    return 1


def seed_questions(owners: dict[str, tuple[Company, User | None]], now: datetime, lifetime: int) -> int:
    """The two extra research questions, published some days ago."""
    from .demo import offer_description

    created = 0
    for spec in QUESTIONS:
        if spec.company not in owners:
            continue
        company, author = owners[spec.company]
        if not company.is_verified or db.session.scalar(sa.select(Offer.id).where(
                Offer.company_id == company.id, Offer.title == spec.title)) is not None:
            continue
        published = now - timedelta(days=spec.days_ago)
        offer = Offer(company=company, created_by_id=author.id if author else None, kind=OfferKind.research_project,
                      title=spec.title, description=offer_description(spec), required_skills=list(spec.required),
                      nice_skills=[], fields_of_study=list(spec.fields), language=spec.language,
                      min_german_level=spec.german, start_date=now.date() + timedelta(days=30 + spec.days_ago),
                      duration_months=12, remote_share=30,
                      place=company.site, status=OfferStatus.published, published_at=published, is_demo=True,
                      created_at=published - timedelta(days=1), updated_at=published)
        offer.expires_at = offer.expiry_for(published, lifetime)
        db.session.add(offer)
        created += 1
    db.session.flush()
    return created


def unit_introductions_exist() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Introduction).join(Introduction.research_unit)
                             .where(ResearchUnit.is_demo.is_(True))) > 0


def seed_unit_introductions(units: dict[str, ResearchUnit], staff: User | None, researcher: User | None,
                            now: datetime) -> int:
    """The two introductions to units, made once by the real operations at past times."""
    from .brokering import operations as ops
    from .demo_brokering import _Clock

    if staff is None or unit_introductions_exist():
        return 0
    mail_log = logging.getLogger("matchmaker.mail")
    was_disabled, mail_log.disabled = mail_log.disabled, True
    try:
        return _introduce(units, staff, researcher, now, ops, _Clock())
    finally:
        mail_log.disabled = was_disabled


def _introduce(units, staff, researcher, now, ops, clock) -> int:
    made = 0
    for title, slug, state in INTRODUCTIONS:
        unit = units.get(slug)
        offer = db.session.scalar(sa.select(Offer).where(Offer.title == title, Offer.is_demo.is_(True)))
        if unit is None or not unit.is_verified or offer is None or not offer.is_public:
            continue
        start = max(offer.published_at + timedelta(hours=2), now - timedelta(days=12 if state == "introduced" else 3))
        intro = clock.run(start, ops.propose_unit_introduction, staff, offer, unit,
                          "Ihre Kompetenzen passen gut zu dieser Frage eines Unternehmens im Industriepark.",
                          "Dieser Lehrstuhl der BTU arbeitet genau an Ihrer Frage.")
        if state == "introduced":
            member = researcher if researcher is not None and unit.has_member(researcher) else None
            company_user = next((u for u in offer.company.users if u.active_company is offer.company), None)
            if member is None or company_user is None:
                continue
            step = (now - start) / 3
            clock.run(start + step, ops.accept_introduction, intro, company_user)
            clock.run(start + 2 * step, ops.accept_introduction, intro, member)
        intro.updated_at = clock.latest
        made += 1
    clock.drop_mail()
    db.session.flush()
    return made


def seed_research(owners: dict[str, tuple[Company, User | None]], staff: User | None, researcher: User | None,
                  now: datetime, lifetime: int) -> tuple[int, int, int]:
    """Units, questions, the researcher's membership and the introductions; returns (units, questions,
    introductions) added."""
    units, new_units = seed_units(now)
    seed_membership(units, researcher, now)
    new_questions = seed_questions(owners, now, lifetime)
    introductions = seed_unit_introductions(units, staff, researcher, now)
    return new_units, new_questions, introductions
