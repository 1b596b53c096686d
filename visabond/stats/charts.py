"""The statistics console's charts, built from snapshots."""

from __future__ import annotations

from django.utils.translation import gettext as _

from visabond.stats.designation import NationalityFigures, Threshold
from visabond.stats.models import OverstaySnapshot
from visabond.stats.selectors import snapshot_total
from visabond.web.charts import Chart, bar_chart, line_chart


def cutoff_chart(fiscal_year: int, snapshots: list[OverstaySnapshot]) -> Chart:
    """Suspected in-country overstays of one fiscal year as the cut-off moves."""
    points = [
        (s.as_of, int(snapshot_total(s)["suspected_in_country_overstays"])) for s in snapshots
    ]
    return line_chart(
        points,
        title=_("FY%(year)s: suspected in-country overstays by cut-off") % {"year": fiscal_year},
        label=_("suspected in-country"),
        columns=("as_of", "suspected_in_country_overstays"),
    )


def rates_chart(
    figures: list[NationalityFigures], threshold: Threshold, *, limit: int = 25
) -> Chart:
    """Total overstay rates (percent) of the largest nationalities, the threshold drawn across."""
    shown = [f for f in figures if f.all.total_rate is not None][:limit]
    bars = [(f.nationality, float(f.all.total_rate or 0) * 100) for f in shown]
    return bar_chart(
        bars,
        title=_("Total overstay rate by nationality (largest %(n)s)") % {"n": len(bars)},
        label=_("total overstay rate, %"),
        threshold=float(threshold.rate) * 100,
        highlight=[f.nationality for f in shown if f.proposed(threshold)],
        columns=("nationality", "total_overstay_rate_percent"),
    )
