"""Charts drawn on the server as SVG: no script, nothing from elsewhere. Each chart is a picture of a table
shown beside it (the table is what screen readers read); suppressed cells draw no bar and say "< 3"."""

from __future__ import annotations

from markupsafe import Markup, escape

from .tables import SUPPRESSED

WIDTH = 600
ROW = 46
BAR = 18
LABEL_GAP = 16


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[int | None]) -> Markup:
    """Horizontal bars, one per label, scaled to the largest shown value; `None` is a suppressed count."""
    largest = max([v for v in values if v is not None] + [1])
    height = ROW * len(labels) + 8
    title_id = f"{chart_id}-title"
    parts = [f'<svg class="chart" role="img" aria-labelledby="{escape(title_id)}" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{escape(title_id)}">{escape(title)}</title>']
    usable = WIDTH - 80
    for index, (label, value) in enumerate(zip(labels, values)):
        top = index * ROW + LABEL_GAP
        parts.append(f'<text x="0" y="{top - 3}" class="chart-label">{escape(label)}</text>')
        if value is None:
            parts.append(f'<rect x="0" y="{top}" width="{usable}" height="{BAR}" class="chart-empty"/>')
            parts.append(f'<text x="6" y="{top + BAR - 5}" class="chart-value">{escape(SUPPRESSED)}</text>')
            continue
        width = round(usable * value / largest)
        if width:
            parts.append(f'<rect x="0" y="{top}" width="{width}" height="{BAR}" class="chart-bar"/>')
        parts.append(f'<text x="{width + 6}" y="{top + BAR - 5}" class="chart-value">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
