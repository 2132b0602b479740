"""The domain model, one module per area; everything is re-exported here, so `from ..models import X` works.

- `_base`: what the modules share: `utcnow` (stored times are naive UTC), `_enum` (enum columns stored as
  plain strings), `Degree` with `DEGREE_RANK`, the language levels `CEFR_LEVELS` / `LANGUAGE_LEVELS` and
  `cefr_rank`, and the board's five `FieldOfAction`s.
- `accounts`: `User`, `Role`, `Membership` (a company user's standing in their company).
- `companies`: `Company`, `Sector`, `SizeBand`.
- `graduates`: `GraduateProfile`.
- `offers`: `Offer`, `OfferKind`, `OfferStatus`, `SalaryPeriod`.
- `feeds`: `OfferFeed` (a company's career page or job feed that offers are imported from), `FeedKind`,
  `FeedStatus`.
- `brokering`: `Introduction` (the double opt-in as a state machine), `IntroductionState` with its groups
  `WAITING_STATES`, `OUTCOME_STATES`, `ENDED_STATES`, `CLOSED_STATES`; `Side` (graduate, unit, company, staff);
  `ConsentRecord`, `Note`.
- `research`: BTU's `ResearchUnit`s (`Faculty`, `UnitKind`) and their members (`ResearchUnitMember`).
- `events`: the Präsenzstelle's `Event`s (`EventType`, `EventPlace`, `EventAudience`) and their
  `EventRegistration`s (`RegistrationStatus`, with a waiting list).
- `reports`: what the board's report keeps besides the data it counts: `PageView` (public views per day,
  no personal data), `RetentionCheck` (still in the region after a hire), the plan's `Measure`
  (`MeasureStatus`) with its `MeasureFigure`s and `MeasureChange` history.
- `api`: `ApiToken` (personal tokens of the JSON API, stored hashed) and its `TokenScope`s.
- `stories`: success stories and news (`Story`, `StoryKind`, `StoryStatus`, `GONE_STATES`), what they are
  about (`StoryLink`: a company, offer, event or research unit) and the people they name (`StoryPerson`, with consent).
- `records`: what the service keeps about its own work: `AuditEntry`, `OutboxMessage`, `MatcherState`,
  `AlertDelivery`.

A new feature area adds its own module and re-exports its names here; the migrations see a model only
once this package imports it.
"""

from ._base import CEFR_LEVELS, DEGREE_RANK, LANGUAGE_LEVELS, Degree, FieldOfAction, _enum, cefr_rank, utcnow
from .accounts import Membership, Role, User
from .companies import Company, Sector, SizeBand
from .graduates import GraduateProfile
from .offers import SALARY_CURRENCIES, Offer, OfferKind, OfferStatus, SalaryPeriod
from .research import Faculty, ResearchUnit, ResearchUnitMember, UnitKind
from .brokering import (CLOSED_STATES, ENDED_STATES, GRADUATE_OUTCOME_STATES, OUTCOME_STATES, UNIT_OUTCOME_STATES,
                        WAITING_STATES, ConsentRecord, Introduction, IntroductionState, Note, Side)
from .events import (Event, EventAudience, EventPlace, EventRegistration, EventType, RegistrationStatus,
                     event_company, event_offer)
from .api import ApiToken, TokenScope
from .feeds import FeedKind, FeedStatus, OfferFeed
from .stories import GONE_STATES, Story, StoryKind, StoryLink, StoryPerson, StoryStatus
from .records import AlertDelivery, AuditEntry, MatcherState, OutboxMessage
from .reports import (RETENTION_MONTHS, Measure, MeasureChange, MeasureFigure, MeasureStatus, PageView,
                      PageViewKind, RetentionCheck)

__all__ = [
    "ApiToken", "TokenScope", "CEFR_LEVELS", "CLOSED_STATES", "DEGREE_RANK", "ENDED_STATES", "LANGUAGE_LEVELS", "OUTCOME_STATES",
    "WAITING_STATES", "GRADUATE_OUTCOME_STATES", "UNIT_OUTCOME_STATES", "AlertDelivery", "AuditEntry", "Company", "ConsentRecord", "Degree", "Event", "EventAudience",
    "EventPlace", "EventRegistration", "EventType", "FieldOfAction", "RegistrationStatus", "event_company",
    "event_offer", "GraduateProfile",
    "Introduction", "IntroductionState", "MatcherState", "Measure", "MeasureChange", "MeasureFigure",
    "MeasureStatus", "PageView", "PageViewKind", "RETENTION_MONTHS", "RetentionCheck", "Membership", "Note", "Offer", "OfferKind", "OfferStatus", "FeedKind", "FeedStatus", "OfferFeed", "SALARY_CURRENCIES", "SalaryPeriod",
    "OutboxMessage", "Faculty", "ResearchUnit", "ResearchUnitMember", "UnitKind", "Role", "Sector", "Side",
    "SizeBand", "User", "GONE_STATES", "Story", "StoryKind",
    "StoryLink", "StoryPerson", "StoryStatus", "_enum", "cefr_rank", "utcnow",
]
