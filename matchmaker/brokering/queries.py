"""Read-only questions about introductions: the two sides' lists, the staff pipeline, notes and consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import (CLOSED_STATES, WAITING_STATES, Company, ConsentRecord, FieldOfAction, GraduateProfile,
                      Introduction, IntroductionState, Note, Role, Side, User, utcnow)


def introductions_of(user: User, waiting: bool = False) -> sa.Select:
    """The graduate's introductions, those of the company user's company, or of the researcher's units;
    newest change first. With `waiting`, only those that wait for this side's answer, the longest waiting
    first (a unit's yes is kept where a graduate's is)."""
    select = sa.select(Introduction)
    if user.role == Role.researcher:
        from ..research.queries import introductions_of_units, units_of

        select = introductions_of_units(units_of(user))
        if not waiting:
            return select
        return select.where(Introduction.state.in_(list(WAITING_STATES)),
                            Introduction.graduate_accepted_at.is_(None)).order_by(None).order_by(
            Introduction.updated_at, Introduction.id)
    if user.role == Role.graduate:
        select = select.where(Introduction.profile_id == (user.profile.id if user.profile else -1))
        if waiting:
            select = select.where(Introduction.state.in_(list(WAITING_STATES)),
                                  Introduction.graduate_accepted_at.is_(None))
    else:
        company = user.active_company
        select = select.where(Introduction.company_id == (company.id if company else -1))
        if waiting:
            select = select.where(ANSWER_FROM_COMPANY)
    if waiting:
        return select.order_by(Introduction.updated_at, Introduction.id)
    return select.order_by(Introduction.updated_at.desc(), Introduction.id.desc())


# ---- what waits for a company --------------------------------------------------------------------

# Waits for the company's yes or no: proposed by staff (both asked) or accepted by the graduate (their
# interest, or their yes to a proposal). `Introduction.waiting_sides` is the same rule for one row.
ANSWER_FROM_COMPANY = sa.and_(
    Introduction.state.in_([IntroductionState.proposed, IntroductionState.accepted_by_graduate]),
    Introduction.company_accepted_at.is_(None))
# Both said yes and no final outcome yet: the company gets in touch, the Präsenzstelle records how it went.
MADE_WITHOUT_OUTCOME = (IntroductionState.introduced, IntroductionState.interview)


@dataclass(frozen=True)
class CompanyWaiting:
    """What waits for a company, counted."""

    interest: int = 0  # graduates' interest waiting for the company's answer
    proposals: int = 0  # the Präsenzstelle's proposals waiting for the company's answer
    invitations: int = 0  # the company's invitations (and yeses) waiting for the graduate's answer
    introduced: int = 0  # introductions made that have no final outcome yet

    @property
    def answers(self) -> int:
        """The introductions that wait for the company's answer: the number on the navigation's badge."""
        return self.interest + self.proposals


def waiting_for_company(company: Company) -> CompanyWaiting:
    """Count what waits for the company and for its graduates, in one query."""
    rows = db.session.execute(
        sa.select(Introduction.state, Introduction.started_by, Introduction.company_accepted_at.is_(None),
                  sa.func.count())
        .where(Introduction.company_id == company.id,
               Introduction.state.in_([*WAITING_STATES, *MADE_WITHOUT_OUTCOME]))
        .group_by(Introduction.state, Introduction.started_by, Introduction.company_accepted_at.is_(None)))
    counts = {"interest": 0, "proposals": 0, "invitations": 0, "introduced": 0}
    for state, started_by, company_unanswered, n in rows:
        if state in MADE_WITHOUT_OUTCOME:
            counts["introduced"] += n
        elif not company_unanswered:
            counts["invitations"] += n
        elif started_by == Side.graduate:
            counts["interest"] += n
        else:
            counts["proposals"] += n
    return CompanyWaiting(**counts)


def answers_waiting_count(company: Company) -> int:
    """How many introductions wait for the company's answer (the navigation's badge)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Introduction).where(
        Introduction.company_id == company.id, ANSWER_FROM_COMPANY)) or 0


def answers_waiting(company: Company, limit: int) -> list[Introduction]:
    """The introductions that wait for the company's answer, the longest waiting first (at most `limit`)."""
    return list(db.session.scalars(sa.select(Introduction).where(
        Introduction.company_id == company.id, ANSWER_FROM_COMPANY)
        .order_by(Introduction.updated_at, Introduction.id).limit(limit)))


def introductions_of_profile(profile: GraduateProfile) -> sa.Select:
    return sa.select(Introduction).where(Introduction.profile_id == profile.id).order_by(
        Introduction.created_at.desc())


def introductions_of_company(company: Company) -> sa.Select:
    return sa.select(Introduction).where(Introduction.company_id == company.id).order_by(
        Introduction.created_at.desc())


def notes_on(introduction: Introduction | None = None, profile: GraduateProfile | None = None) -> list[Note]:
    """Staff notes on an introduction or on a graduate's profile, newest first."""
    if introduction is not None:
        where, order = Note.introduction_id == introduction.id, (Note.created_at.desc(), Note.id.desc())
    else:
        where, order = Note.profile_id == profile.id, (Note.created_at.desc(),)
    return list(db.session.scalars(sa.select(Note).where(where).order_by(*order)))


def consents_for(introduction: Introduction) -> list[ConsentRecord]:
    """The consents given for an introduction, oldest first."""
    return list(db.session.scalars(sa.select(ConsentRecord).where(
        ConsentRecord.introduction_id == introduction.id).order_by(ConsentRecord.given_at)))


def consents_of(user: User) -> sa.Select:
    """The user's own consent records, newest first."""
    return sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(
        ConsentRecord.given_at.desc(), ConsentRecord.id.desc())


def accepted_by(introduction: Introduction) -> User | None:
    """The company user who said yes for the company, if any."""
    if not introduction.company_accepted_by_id:
        return None
    return db.session.get(User, introduction.company_accepted_by_id)


def all_companies() -> list[Company]:
    """Every company by name, for the pipeline's filter."""
    return list(db.session.scalars(sa.select(Company).order_by(Company.name)))


def open_introduction(offer_id: int, profile_id: int) -> Introduction | None:
    """The introduction of this offer and graduate that is not closed yet, if any."""
    return db.session.scalar(db.select(Introduction).where(
        Introduction.offer_id == offer_id, Introduction.profile_id == profile_id,
        Introduction.state.not_in(list(CLOSED_STATES))))


def open_pairs() -> set[tuple[int, int]]:
    """(offer id, profile id) of every introduction not closed: the board leaves them out."""
    rows = db.session.execute(db.select(Introduction.offer_id, Introduction.profile_id).where(
        Introduction.state.not_in(list(CLOSED_STATES)), Introduction.offer_id.is_not(None),
        Introduction.profile_id.is_not(None)))
    return {(offer_id, profile_id) for offer_id, profile_id in rows}


# ---- lists --------------------------------------------------------------------------------------

STATE_ORDER = [IntroductionState.proposed, IntroductionState.accepted_by_graduate,
               IntroductionState.accepted_by_company, IntroductionState.introduced, IntroductionState.interview,
               IntroductionState.hired, IntroductionState.internship, IntroductionState.thesis,
               IntroductionState.project, IntroductionState.no_fit, IntroductionState.declined,
               IntroductionState.withdrawn, IntroductionState.expired]


def state_order():
    return db.case({state.value: n for n, state in enumerate(STATE_ORDER)}, value=Introduction.state)


def pipeline_query(filters: dict, now: datetime | None = None):
    """All introductions for staff, filtered, grouped by state and oldest first within a state."""
    from ..catalog import FIELD_OF_ACTION_KINDS

    now = now or utcnow()
    select = db.select(Introduction)
    state = filters.get("state")
    if state == "all":
        pass
    elif state:
        select = select.where(Introduction.state == IntroductionState(state))
    else:
        select = select.where(Introduction.state.not_in(list(CLOSED_STATES)))
    if filters.get("kind"):
        select = select.where(Introduction.offer_kind == filters["kind"])
    if filters.get("field"):
        # BTU on site and public relations have no offer kinds: the filter then finds no introduction,
        # and the page says why. Introductions to research units are knowledge transfer, whatever the question's
        # kind, as in the board's report (`units.*` under innovation).
        field = FieldOfAction(filters["field"])
        by_kind = Introduction.offer_kind.in_(list(FIELD_OF_ACTION_KINDS[field]))
        to_unit = Introduction.research_unit_id.is_not(None)
        select = select.where(sa.or_(by_kind, to_unit) if field == FieldOfAction.innovation
                              else sa.and_(by_kind, ~to_unit))
    if filters.get("company"):
        select = select.where(Introduction.company_id == filters["company"])
    if filters.get("older") is not None:
        select = select.where(Introduction.created_at <= now - timedelta(days=filters["older"]))
    return select.order_by(state_order(), Introduction.created_at, Introduction.id)


def state_counts() -> dict[IntroductionState, int]:
    rows = db.session.execute(db.select(Introduction.state, db.func.count()).group_by(Introduction.state))
    return {state: count for state, count in rows}
