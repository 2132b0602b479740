"""Demo data for the board: a plan of eight measures across the five fields of action, and the regional
retention checks staff would have recorded for the demo hires (some left due, so the due list has work).

Measures are written through the plan's own operations, so each has its history; they are keyed by title
(marked "[Demo]") and added only where missing. Retention checks are recorded only for demo hires that
have none yet, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from .extensions import db
from .models import (AuditEntry, FieldOfAction, GraduateProfile, Introduction, IntroductionState, Measure, MeasureStatus,
                     RetentionCheck, User)
from .reports import operations, queries

DEMO_MARK = "[Demo] "


@dataclass(frozen=True)
class MeasureSpec:
    title: str
    field: FieldOfAction
    owner: str
    # The period in months relative to the start of the current year (Berlin).
    start_month: int
    end_month: int
    status: MeasureStatus
    target_label: str
    target_value: float
    metric_key: str | None = None
    # Figures staff entered (months after the period's start, value, source) for targets without a metric.
    figures: tuple[tuple[int, float, str], ...] = ()
    comments: str = ""


MEASURES = (
    MeasureSpec("Praktika und Abschlussarbeiten im Industriepark ausbauen", FieldOfAction.qualification,
                "Präsenzstelle mit ASG Spremberg", -12, 11, MeasureStatus.running,
                "Praktika, Abschlussarbeiten und Werkstudierendenstellen begonnen", 25, "qualification.started",
                comments="Gemeinsame Ausschreibung mit den Lehrstühlen zu Semesterbeginn."),
    MeasureSpec("Werkstatttag Wasserstoff für Studierende", FieldOfAction.qualification, "Präsenzstelle",
                0, 5, MeasureStatus.done, "Teilnehmende am Werkstatttag", 40,
                figures=((3, 34, "Teilnahmeliste Werkstatttag"),)),
    MeasureSpec("Forschungsfragen der Parkunternehmen an BTU-Lehrstühle vermitteln",
                FieldOfAction.innovation, "Transferservice der BTU", -6, 17, MeasureStatus.running,
                "Forschungsprojekte vermittelt", 6, "introduced.research_project"),
    MeasureSpec("Gemeinsamer Förderantrag Kreislaufwirtschaft", FieldOfAction.innovation,
                "Zweckverband Industriepark Schwarze Pumpe", 0, 11, MeasureStatus.planned,
                "eingereichte Förderanträge", 1),
    MeasureSpec("BTU-Absolventinnen und -Absolventen für den Park gewinnen", FieldOfAction.structural_change,
                "Präsenzstelle", -12, 11, MeasureStatus.running, "Einstellungen in Parkunternehmen", 12, "hires"),
    MeasureSpec("Sprechstunden der Präsenzstelle im Dock3", FieldOfAction.on_site, "Präsenzstelle", -3, 8,
                MeasureStatus.running, "Kontakte in Sprechstunden", 60, "office_hour_contacts"),
    MeasureSpec("Karrieretag im Dock3 Lausitz", FieldOfAction.on_site, "Präsenzstelle mit Dock3 Lausitz", -9, 2,
                MeasureStatus.done, "Besucherinnen und Besucher", 150,
                figures=((2, 90, "Zählung am Eingang, Vormittag"), (3, 162, "Zählung am Eingang, ganzer Tag"))),
    MeasureSpec("Erfolgsgeschichten aus dem Park in Presse und sozialen Medien", FieldOfAction.public_relations,
                "Stadt Spremberg, Pressestelle", 0, 11, MeasureStatus.dropped, "veröffentlichte Beiträge", 8,
                figures=((2, 1, "Pressespiegel"),),
                comments="Zurückgestellt, bis die Geschichten mit Einwilligung der Beteiligten vorliegen."),
)


def _month(start: date, months: int) -> date:
    return queries.add_months(start, months)


def seed_measures(staff: User | None, today: date) -> int:
    """Add the demo measures that are missing (with their history and figures); return how many."""
    if staff is None:
        return 0
    titles = [DEMO_MARK + spec.title for spec in MEASURES]
    existing = set(db.session.scalars(sa.select(Measure.title).where(Measure.title.in_(titles))))
    year = date(today.year, 1, 1)
    added = 0
    for spec in MEASURES:
        title = DEMO_MARK + spec.title
        if title in existing:
            continue
        start = _month(year, spec.start_month)
        end = _month(year, spec.end_month + 1) - timedelta(days=1)
        measure = operations.create_measure(
            staff, title=title, field_of_action=spec.field, owner=spec.owner, period_start=start, period_end=end,
            status=MeasureStatus.planned, comments=spec.comments, target_label=spec.target_label,
            target_value=float(spec.target_value), metric_key=spec.metric_key)
        for months, value, source in spec.figures:
            as_of = min(_month(start, months), today)
            operations.add_figure(measure, staff, float(value), as_of, source)
        if spec.status != MeasureStatus.planned:
            operations.update_measure(measure, staff, **{**{name: getattr(measure, name)
                                                             for name in operations.MEASURE_FIELDS},
                                                          "status": spec.status})
        added += 1
    return added


def seed_retention_checks(staff: User | None, today: date) -> int:
    """Record the checks of demo hires that have none yet: most graduates stayed; the newest due check of
    each kind is left open, so the due list shows what staff still have to ask."""
    if staff is None:
        return 0
    hires = list(db.session.scalars(
        sa.select(Introduction).join(GraduateProfile, Introduction.profile_id == GraduateProfile.id)
        .where(GraduateProfile.is_demo.is_(True), Introduction.state == IntroductionState.hired,
               Introduction.outcome_on.is_not(None))
        .order_by(Introduction.outcome_on, Introduction.id)))
    checked = set(db.session.scalars(sa.select(RetentionCheck.introduction_id).where(
        RetentionCheck.introduction_id.in_([hire.id for hire in hires]))))
    recorded = 0
    for months in (6, 12):
        due = [hire for hire in hires if hire.id not in checked
               and queries.add_months(hire.outcome_on, months) <= today]
        for n, hire in enumerate(due[:-1]):  # the newest one stays due
            check = operations.record_retention(hire, staff, months, in_region=(n % 4 != 3), today=today)
            # Asked a week after the check fell due, as staff would; the audit entry says the same.
            asked = datetime.combine(min(queries.add_months(hire.outcome_on, months) + timedelta(days=7), today),
                                     time(10, 0))
            check.checked_at = asked
            db.session.execute(sa.update(AuditEntry).where(
                AuditEntry.action == "retention_check", AuditEntry.object_type == "introduction",
                AuditEntry.object_id == hire.id,
                AuditEntry.detail.startswith(f"{months} months")).values(created_at=asked))
            recorded += 1
    return recorded
