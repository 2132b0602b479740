"""The report's tables as they are shown: the same cells on the page, in the charts and in the CSV.

Nobody may be identifiable from the report: `suppress` is the one place that turns a count below 3 (but
above 0) into "< 3"; a share built from such a count is suppressed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..models import FieldOfAction
from . import queries

SMALLEST_SHOWN = 3
SUPPRESSED = "< 3"


@dataclass(frozen=True)
class Shown:
    """A count as the report may show it: `value` None when suppressed."""

    value: int | None
    text: str


def suppress(count: int) -> Shown:
    """The one rule: 1 and 2 are shown as "< 3"; 0 and 3 or more as they are."""
    if 0 < count < SMALLEST_SHOWN:
        return Shown(None, SUPPRESSED)
    return Shown(count, str(count))


def share_text(part: int, whole: int) -> str:
    """"4 of 5 (80 %)"; with a suppressed count, the counts as shown and no percentage."""
    if whole == 0:
        return "—"
    shown_part, shown_whole = suppress(part), suppress(whole)
    if shown_part.value is None or shown_whole.value is None:
        return _("%(part)s of %(whole)s", part=shown_part.text, whole=shown_whole.text)
    return _("%(part)s of %(whole)s (%(percent)d %%)", part=part, whole=whole,
             percent=round(100 * part / whole))


@dataclass
class Table:
    """`rows` are lists of cells already as text; `counts` keeps the shown numbers of the value column(s)
    for the charts (None where suppressed)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    counts: list[list[int | None]] = field(default_factory=list)

    def add(self, label: str, *values) -> None:
        cells, numbers = [str(label)], []
        for value in values:
            if isinstance(value, int):
                shown = suppress(value)
                cells.append(shown.text)
                numbers.append(shown.value)
            else:
                cells.append(str(value))
                numbers.append(None)
        self.rows.append(cells)
        self.counts.append(numbers)


FIELD_TITLES = {
    FieldOfAction.qualification: _l("Qualification and education"),
    FieldOfAction.innovation: _l("Innovation and knowledge transfer"),
    FieldOfAction.structural_change: _l("Structural change"),
    FieldOfAction.on_site: _l("BTU on site in Spremberg"),
    FieldOfAction.public_relations: _l("Public relations"),
}

# The tables of the page, in order; each one exports as /report/<key>.csv.
TABLE_KEYS = ("qualification", "innovation", "structural_change", "on_site", "public_relations", "sources",
              "referrers", "funnel", "trends")


def field_table(field_of_action: FieldOfAction, period: queries.Period) -> Table:
    table = Table(field_of_action.value, str(FIELD_TITLES[field_of_action]), [_("Figure"), _("Count")])
    for metric in queries.metrics_of(field_of_action):
        if metric.key.startswith("retained."):
            months = int(metric.key.split(".")[1])
            part, whole = queries.retention(period, months)
            table.add(str(metric.label), share_text(part, whole))
        else:
            table.add(str(metric.label), metric.count(period))
    return table


def _none_label(value: str | None) -> str:
    return value if value else _("(none)")


def sources_table(period: queries.Period) -> Table:
    table = Table("sources", _("New registrations by source tag"), [_("Source (?src=)"), _("Registrations")])
    for source, count in queries.registrations_by_source(period):
        table.add(_none_label(source), count)
    return table


def referrers_table(period: queries.Period) -> Table:
    table = Table("referrers", _("New registrations by referring site"), [_("Referring site"), _("Registrations")])
    for domain, count in queries.registrations_by_referrer(period):
        table.add(_none_label(domain), count)
    return table


def funnel_table(period: queries.Period) -> Table:
    table = Table("funnel", _("Funnel"), [_("Stage"), _("Count")])
    for label, count in queries.funnel(period):
        table.add(str(label), count)
    return table


def trends_table(ending: date) -> Table:
    table = Table("trends", _("Trends over the last eight quarters"),
                  [_("Quarter")] + [str(label) for _key, label, _fn in queries.TREND_SERIES])
    for quarter, values in queries.trends(ending):
        table.add(quarter.label, *(values[key] for key, _label, _fn in queries.TREND_SERIES))
    return table


def build(key: str, period: queries.Period) -> Table:
    """One table of the report by its key; KeyError for an unknown key."""
    if key in {f.value for f in FieldOfAction}:
        return field_table(FieldOfAction(key), period)
    return {"sources": sources_table, "referrers": referrers_table, "funnel": funnel_table,
            "trends": lambda p: trends_table(p.end)}[key](period)


def report(period: queries.Period) -> dict[str, Table]:
    return {key: build(key, period) for key in TABLE_KEYS}


def progress_text(progress: queries.Progress) -> tuple[str, int | None]:
    """A measure's progress as shown, and the percentage for the bar; a metric's count is suppressed like
    every count of the report, and so is its percentage."""
    if progress.value is None:
        return "—", None
    target = number(progress.target)
    if progress.from_metric:
        shown = suppress(int(progress.value))
        if shown.value is None:
            return _("%(value)s of %(target)s", value=shown.text, target=target), None
    percent = progress.percent
    return _("%(value)s of %(target)s (%(percent)d %%)", value=number(progress.value), target=target,
             percent=percent or 0), percent


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
