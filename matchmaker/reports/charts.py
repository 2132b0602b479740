"""Charts drawn on the server as SVG: no script, nothing from elsewhere. Each chart is a picture of a table
shown beside it (the table is what screen readers read); suppressed cells draw no bar and say "< 3"."""

from __future__ import annotations

from markupsafe import Markup

from .tables import SUPPRESSED

WIDTH = 600
ROW = 46
BAR = 18
LABEL_GAP = 16


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[int | None]) -> Markup:
    """Horizontal bars, one per label, scaled to the largest shown value; `None` is a suppressed count.

    Built from literal markup whose `format` escapes every value put into it."""
    largest = max([v for v in values if v is not None] + [1])
    height = ROW * len(labels) + 8
    title_id = f"{chart_id}-title"
    parts = [Markup('<svg class="chart" role="img" aria-labelledby="{}" viewBox="0 0 {} {}" width="100%" '
                    'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">')
             .format(title_id, WIDTH, height),
             Markup('<title id="{}">{}</title>').format(title_id, title)]
    usable = WIDTH - 80
    for index, (label, value) in enumerate(zip(labels, values)):
        top = index * ROW + LABEL_GAP
        parts.append(Markup('<text x="0" y="{}" class="chart-label">{}</text>').format(top - 3, label))
        if value is None:
            parts.append(Markup('<rect x="0" y="{}" width="{}" height="{}" class="chart-empty"/>')
                         .format(top, usable, BAR))
            parts.append(Markup('<text x="6" y="{}" class="chart-value">{}</text>').format(top + BAR - 5, SUPPRESSED))
            continue
        width = round(usable * value / largest)
        if width:
            parts.append(Markup('<rect x="0" y="{}" width="{}" height="{}" class="chart-bar"/>')
                         .format(top, width, BAR))
        parts.append(Markup('<text x="{}" y="{}" class="chart-value">{}</text>').format(width + 6, top + BAR - 5,
                                                                                      int(value)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
