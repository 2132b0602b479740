"""Two years of fictional brokering for `flask seed-demo`: when the demo offers were published, and
introductions between them and the demo graduates in every state and outcome.

The introductions are made by the real operations of `brokering/operations.py` (so every acceptance
leaves its consent record and every step its audit entry), each step at a past time passed as `now=`.
What an operation stamps with the clock (audit entries) is moved to that time afterwards, and the mail
the steps queue is dropped (and not logged): it would only tell fictional people about things that never
happened. An introduction that ended without contact keeps the company's card without reasons
(`explain=False`), so that seeding does not build the matcher.

An offer must be open for an introduction to start, so the demo offers are all open while the
introductions are made and get their real history (published long ago, since expired or closed)
only afterwards, in `date_offers`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from .brokering import operations as ops
from .extensions import db
from .models import (AuditEntry, GraduateProfile, Introduction, IntroductionState, Offer, OfferKind, OfferStatus,
                     OutboxMessage, Side, User)

S = IntroductionState
G, C, ST = Side.graduate, Side.company, Side.staff

# Offers that are over: published this many days ago, long enough that they have expired (or, if a post
# was filled, been closed). Every other published demo offer is current.
OFFER_HISTORY = {
    "Ingenieur Kraftwerkstechnik – Gasturbinen (m/w/d)": 628,
    "Praktikum Instandhaltung Kraftwerk (m/w/d)": 600,
    "Bachelorarbeit: Recyclingfähige Verpackungen aus Wellpappe": 548,
    "Forschungsfrage: Nutzung der Abwärme aus der Elektrolyse": 522,
    "Schweißfachingenieur (m/w/d)": 472,
    "Werkstudent Energiemanagement (m/w/d)": 440,
    "Traineeprogramm Energiewende (m/w/d)": 410,
    "Internship: Welding Engineering and Quality Control": 372,
    "Master's thesis: Hydrometallurgical recovery of lithium from black mass": 322,
    "Logistikplaner Werkverkehr und Bahnanschluss (m/w/d)": 292,
    "Praktikum Gefahrgutlogistik (m/w/d)": 266,
    "Chemieingenieur Prozessentwicklung (m/w/d)": 232,
    "Research question: Chemical recycling of mixed plastic waste into resin feedstock": 202,
    "Masterarbeit: Sprachmodelle für Instandhaltungsberichte": 184,
    "Data Scientist – Industrial Analytics": 142,
    "Praktikum Qualitätslabor Recyclingrohstoffe (m/w/d)": 112,
    "Werkstudent Elektrokonstruktion EPLAN (m/w/d)": 98,
}


@dataclass(frozen=True)
class Story:
    """One introduction: on which offer, started how many days ago by which side, and where it ended."""

    offer: str
    days_ago: int
    starter: Side
    state: IntroductionState


STORIES = (
    # The last eight quarters, oldest first; the offers above carry the older ones.
    Story("Ingenieur Kraftwerkstechnik – Gasturbinen (m/w/d)", 612, C, S.hired),
    Story("Ingenieur Kraftwerkstechnik – Gasturbinen (m/w/d)", 604, G, S.declined),
    Story("Ingenieur Kraftwerkstechnik – Gasturbinen (m/w/d)", 596, ST, S.expired),
    Story("Praktikum Instandhaltung Kraftwerk (m/w/d)", 590, ST, S.internship),
    Story("Praktikum Instandhaltung Kraftwerk (m/w/d)", 583, G, S.no_fit),
    Story("Bachelorarbeit: Recyclingfähige Verpackungen aus Wellpappe", 533, G, S.thesis),
    Story("Bachelorarbeit: Recyclingfähige Verpackungen aus Wellpappe", 526, C, S.withdrawn),
    Story("Forschungsfrage: Nutzung der Abwärme aus der Elektrolyse", 507, ST, S.project),
    Story("Forschungsfrage: Nutzung der Abwärme aus der Elektrolyse", 500, C, S.declined),
    Story("Schweißfachingenieur (m/w/d)", 457, ST, S.hired),
    Story("Schweißfachingenieur (m/w/d)", 450, C, S.expired),
    Story("Werkstudent Energiemanagement (m/w/d)", 432, G, S.hired),
    Story("Werkstudent Energiemanagement (m/w/d)", 425, G, S.no_fit),
    Story("Traineeprogramm Energiewende (m/w/d)", 396, G, S.hired),
    Story("Traineeprogramm Energiewende (m/w/d)", 390, ST, S.declined),
    Story("Traineeprogramm Energiewende (m/w/d)", 384, G, S.withdrawn),
    Story("Internship: Welding Engineering and Quality Control", 362, C, S.internship),
    Story("Internship: Welding Engineering and Quality Control", 355, G, S.expired),
    Story("Master's thesis: Hydrometallurgical recovery of lithium from black mass", 306, ST, S.thesis),
    Story("Master's thesis: Hydrometallurgical recovery of lithium from black mass", 300, C, S.no_fit),
    Story("Logistikplaner Werkverkehr und Bahnanschluss (m/w/d)", 277, C, S.hired),
    Story("Logistikplaner Werkverkehr und Bahnanschluss (m/w/d)", 270, G, S.declined),
    Story("Praktikum Gefahrgutlogistik (m/w/d)", 252, G, S.internship),
    Story("Chemieingenieur Prozessentwicklung (m/w/d)", 216, ST, S.hired),
    Story("Chemieingenieur Prozessentwicklung (m/w/d)", 210, G, S.withdrawn),
    Story("Chemieingenieur Prozessentwicklung (m/w/d)", 204, ST, S.expired),
    Story("Research question: Chemical recycling of mixed plastic waste into resin feedstock", 186, C, S.project),
    Story("Masterarbeit: Sprachmodelle für Instandhaltungsberichte", 171, G, S.thesis),
    Story("Data Scientist – Industrial Analytics", 126, C, S.hired),
    Story("Data Scientist – Industrial Analytics", 120, ST, S.no_fit),
    Story("Data Scientist – Industrial Analytics", 114, C, S.declined),
    Story("Praktikum Qualitätslabor Recyclingrohstoffe (m/w/d)", 101, G, S.internship),
    Story("Werkstudent Elektrokonstruktion EPLAN (m/w/d)", 86, ST, S.hired),
    # The current offers: what is under way now.
    Story("Verfahrensingenieur Elektrolyse (m/w/d)", 37, ST, S.interview),
    Story("Masterarbeit: Degradation von PEM-Elektrolysezellen im dynamischen Betrieb", 34, G, S.thesis),
    Story("SPS-Programmierer Siemens S7 / TIA Portal (m/w/d)", 31, C, S.interview),
    Story("Produktionsingenieur Papiermaschine (m/w/d)", 29, G, S.introduced),
    Story("Trainee Projektmanagement Anlagenbau (m/w/d)", 26, ST, S.withdrawn),
    Story("OT Security Engineer", 24, G, S.interview),
    Story("Internship: Predictive Maintenance on Paper Machines", 22, ST, S.introduced),
    Story("Werkstudent Datenanalyse Wasserstoffproduktion (m/w/d)", 19, C, S.introduced),
    Story("Ingenieur Batterierecycling – Mechanische Aufbereitung (m/w/d)", 17, ST, S.accepted_by_company),
    Story("Praktikum Arbeitssicherheit und Umweltschutz (m/w/d)", 15, G, S.introduced),
    Story("Bachelorarbeit: Digitaler Zwilling für eine Verpackungslinie", 13, ST, S.accepted_by_graduate),
    Story("SAP-Berater S/4HANA Logistik (m/w/d)", 11, ST, S.proposed),
    Story("Konstrukteur Rohrleitungs- und Apparatebau (m/w/d)", 10, C, S.accepted_by_company),
    Story("Working student: Supply chain data analysis", 8, G, S.accepted_by_graduate),
    Story("Master's thesis: Grid services from a hydrogen-ready gas power plant", 7, C, S.declined),
    Story("Verfahrensingenieur Elektrolyse (m/w/d)", 6, ST, S.proposed),
    Story("Internship: Hydrogen Safety and Permitting", 4, C, S.accepted_by_company),
    Story("Werkstudent Nachhaltigkeitsberichterstattung (m/w/d)", 3, G, S.accepted_by_graduate),
    Story("Praktikum Inbetriebnahme Elektro- und Automatisierungstechnik (m/w/d)", 2, ST, S.proposed),
)

# Kinds a graduate who wants this kind of offer would also take up.
NEAR_KINDS = {OfferKind.trainee: {"job", "trainee"}, OfferKind.research_project: {"research_project", "thesis"}}

MESSAGES = {
    "de": ("Guten Tag, dieses Angebot passt gut zu Ihrem Profil. Wenn Sie zustimmen, stellen wir den Kontakt her. "
           "Viele Grüße, die Präsenzstelle (Demo)"),
    "en": ("Hello, this offer fits your profile well. If you agree, we will put you in touch. "
           "Kind regards, the Präsenzstelle (demo)"),
}
MESSAGE_TO_COMPANY = ("Guten Tag, wir schlagen Ihnen eine Absolventin bzw. einen Absolventen vor, deren Profil gut "
                      "zu Ihrem Angebot passt. Viele Grüße, die Präsenzstelle (Demo)")
REASONS = {G: "Ich habe mich inzwischen anders entschieden.", C: "Die Stelle ist inzwischen besetzt."}


def earliest_story_days(title: str) -> int | None:
    """How many days ago the first introduction on this offer started, if any does."""
    days = [story.days_ago for story in STORIES if story.offer == title]
    return max(days) if days else None


def filled_offers() -> set[str]:
    """Offers whose post a story fills: their company closed them."""
    filled = {S.hired, S.internship, S.thesis, S.project}
    return {story.offer for story in STORIES if story.state in filled}


def publication(title: str, drawn_days_ago: int) -> tuple[int, bool]:
    """(days since the offer was published, whether it is over) for a demo offer."""
    if title in OFFER_HISTORY:
        return OFFER_HISTORY[title], True
    first = earliest_story_days(title)
    return (max(drawn_days_ago, first + 3) if first is not None else drawn_days_ago), False


def date_offers(planned: list[tuple[Offer, int, bool, OfferStatus]], now: datetime, lifetime: int) -> None:
    """Give the offers made in this run their publication history; see the module's docstring."""
    filled = filled_offers()
    for offer, days_ago, over, spec_status in planned:
        published = (now - timedelta(days=days_ago)).replace(hour=8, minute=30, second=0, microsecond=0)
        offer.created_at = published - timedelta(days=2)
        offer.published_at = published
        offer.expires_at = offer.expiry_for(published, lifetime)
        if over:
            offer.start_date = published.date() + timedelta(days=60)
            offer.status = (OfferStatus.closed if spec_status == OfferStatus.closed or offer.title in filled
                            else OfferStatus.expired)
            offer.updated_at = min(offer.expires_at, now)
        else:
            offer.status = spec_status
            offer.updated_at = published


# ---- introductions ------------------------------------------------------------------------------

class _Clock:
    """Runs an operation at a past time and moves the audit entries it wrote to that time."""

    def __init__(self):
        self.audit_mark = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
        self.mail_mark = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
        self.latest: datetime | None = None  # the time of the last step taken

    def run(self, when: datetime, operation: Callable, *args, **kwargs):
        result = operation(*args, now=when, **kwargs)
        self.latest = max(self.latest, when) if self.latest else when
        for entry in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > self.audit_mark)):
            entry.created_at = when
            self.audit_mark = max(self.audit_mark, entry.id)
        return result

    def drop_mail(self) -> None:
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > self.mail_mark))


def demo_introductions_exist() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Introduction).join(Introduction.profile)
                             .where(GraduateProfile.is_demo.is_(True))) > 0


def _at(day: datetime, rng: random.Random) -> datetime:
    """A time during office hours (08:00–16:59 UTC) on `day`'s date."""
    return datetime.combine(day.date(), time(rng.randint(7, 15), rng.randint(0, 59)))


class _Seeder:
    def __init__(self, offers: dict[str, Offer], profiles: list[GraduateProfile], staff: User, now: datetime,
                 rng: random.Random):
        self.offers = offers
        self.profiles = profiles
        self.staff = staff
        self.now = now
        self.rng = rng
        self.clock = _Clock()
        self.uses = {profile.id: 0 for profile in profiles}
        self.paired: set[tuple[int, int]] = set()
        self.first_seen: dict[int, datetime] = {}
        self.made: list[Introduction] = []

    def _before_now(self, when: datetime) -> datetime:
        return min(when, self.now - timedelta(minutes=30))

    def _later(self, when: datetime, low: int, high: int) -> datetime:
        return self._before_now(_at(when + timedelta(days=self.rng.randint(low, high)), self.rng))

    def _pick(self, offer: Offer, story: Story, start: datetime) -> GraduateProfile | None:
        kinds = NEAR_KINDS.get(offer.kind, {offer.kind.value})
        candidates = [p for p in self.profiles if (offer.id, p.id) not in self.paired
                      and (story.starter == G or p.visible_to_companies)]
        for narrow in (
            lambda p: set(p.wanted_kinds or []) & kinds and (
                offer.kind not in (OfferKind.job, OfferKind.trainee) or p.graduation_date <= start.date()),
            lambda p: set(p.wanted_kinds or []) & kinds,
            lambda p: True,
        ):
            fitting = [p for p in candidates if narrow(p)]
            if fitting:
                draws = {p.id: self.rng.random() for p in fitting}
                return min(fitting, key=lambda p: (self.uses[p.id], draws[p.id]))
        return None

    def _company_user(self, offer: Offer) -> User | None:
        return next((u for u in offer.company.users if u.active_company is offer.company), None)

    def tell(self, story: Story) -> None:
        # Drawn first and always, so that each story keeps its times whatever happens to the others.
        start = _at(self.now - timedelta(days=story.days_ago), self.rng)
        offer = self.offers.get(story.offer)
        company_user = self._company_user(offer) if offer is not None else None
        if offer is None or company_user is None or not offer.is_public:
            return
        profile = self._pick(offer, story, start)
        if profile is None:
            return
        graduate = profile.user
        run = self.clock.run
        self.clock.latest = None
        if story.starter == G:
            intro = run(start, ops.express_interest, graduate, offer)
        elif story.starter == C:
            intro = run(start, ops.invite_graduate, company_user, offer, profile)
        else:
            intro = run(start, ops.propose_introduction, self.staff, offer, profile,
                        MESSAGES.get(graduate.locale, MESSAGES["de"]), MESSAGE_TO_COMPANY)
        self.uses[profile.id] += 1
        self.paired.add((offer.id, profile.id))
        self.first_seen[profile.id] = min(self.first_seen.get(profile.id, start), start)
        self.made.append(intro)
        person = {G: graduate, C: company_user}
        moment = start

        def answer(side: Side) -> None:
            nonlocal moment
            moment = self._later(moment, 1, 5)
            run(moment, ops.accept_introduction, intro, person[side])

        state = story.state
        if state == S.proposed:
            pass
        elif state in (S.accepted_by_graduate, S.accepted_by_company):
            if story.starter == ST:
                answer(G if state == S.accepted_by_graduate else C)
        elif state == S.declined:
            if story.starter == ST and self.rng.random() < 0.5:
                answer(G)
            side = self.rng.choice(intro.waiting_sides())
            moment = self._later(moment, 1, 8)
            run(moment, ops.decline_introduction, intro, person[side], reason=REASONS[side], explain=False)
        elif state == S.expired:
            if story.starter == ST:
                answer(C)
            waited = intro.waiting_since()
            for side in intro.waiting_sides():
                setattr(intro, "reminded_graduate_at" if side == G else "reminded_company_at", self._reminded(waited))
            moment = min(datetime.combine((waited + timedelta(days=31)).date(), time(6, 0)), self.now)
            run(moment, ops.expire_introduction, intro, None, explain=False)
        else:
            for side in intro.waiting_sides():
                answer(side)
            self._after_introduced(intro, story, person)
        self._remind_if_waiting(intro)
        intro.updated_at = max(t for t in (self.clock.latest, intro.reminded_graduate_at,
                                           intro.reminded_company_at) if t)

    def _after_introduced(self, intro: Introduction, story: Story, person: dict) -> None:
        state, run = story.state, self.clock.run
        moment = intro.introduced_at
        if state == S.introduced:
            return
        if state == S.withdrawn:
            side = self.rng.choice((G, C))
            moment = self._later(moment, 5, 20)
            run(moment, ops.withdraw_introduction, intro, person[side], reason=REASONS[side], explain=False)
            return
        if state in (S.interview, S.hired, S.internship) or self.rng.random() < 0.5:
            moment = self._later(moment, 6, 16)
            run(moment, ops.record_outcome, intro, self.staff, S.interview, moment.date())
        if state == S.interview:
            return
        moment = self._later(moment, 7, 30)
        run(moment, ops.record_outcome, intro, self.staff, state, moment.date())

    def _remind_if_waiting(self, intro: Introduction) -> None:
        """A side asked more than a week ago has had the reminder `flask brokering remind` sends."""
        waited = intro.waiting_since()
        if intro.state in (S.proposed, S.accepted_by_graduate, S.accepted_by_company) \
                and self.now - waited > ops.REMIND_AFTER:
            for side in intro.waiting_sides():
                setattr(intro, "reminded_graduate_at" if side == G else "reminded_company_at", self._reminded(waited))

    def _reminded(self, waited: datetime) -> datetime:
        """When the daily reminder run (06:00) reminded a side asked at `waited`: the morning after a
        week, and never later than now (seeded between midnight and six, that morning is still to come)."""
        return min(datetime.combine((waited + timedelta(days=8)).date(), time(6, 0)), self.now)


def seed_introductions(offers: dict[str, Offer], profiles: list[GraduateProfile], staff: User, now: datetime,
                       rng: random.Random) -> tuple[list[Introduction], dict[int, datetime]]:
    """Tell every story; return the introductions and when each graduate first took part in one."""
    seeder = _Seeder(offers, sorted(profiles, key=lambda p: p.user.email), staff, now, rng)
    mail_log = logging.getLogger("matchmaker.mail")
    was_disabled, mail_log.disabled = mail_log.disabled, True
    try:
        for story in STORIES:
            seeder.tell(story)
        db.session.flush()
    finally:
        mail_log.disabled = was_disabled
    seeder.clock.drop_mail()
    return seeder.made, seeder.first_seen


def date_accounts(new_profiles: list[GraduateProfile], first_seen: dict[int, datetime], now: datetime,
                  rng: random.Random) -> None:
    """Graduates who signed up in this run joined before their first introduction, the others over the last
    two years; a findable one agreed to be found when they joined."""
    for profile in sorted(new_profiles, key=lambda p: p.user.email):
        back = rng.randint(14, 90)
        spread = rng.randint(3, 600)
        first = first_seen.get(profile.id)
        joined = (first - timedelta(days=back)) if first is not None else now - timedelta(days=spread)
        joined = joined.replace(microsecond=0)
        profile.created_at = profile.updated_at = joined
        profile.user.created_at = profile.user.confirmed_at = joined
        if profile.visible_to_companies:
            profile.consent_at = joined + timedelta(minutes=12)
