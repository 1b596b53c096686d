"""The policy console's charts: each program's designations over time and by country."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visabond.core.countries import localized_name
from visabond.policy import selectors
from visabond.policy.models import Program
from visabond.web.charts import Chart, step_chart, timeline_chart

KINDS = ("designations", "countries")


def program_charts(program: Program) -> dict[str, Chart]:
    """Bars of each nationality's stretches under `program`, and the count over time.

    Empty when the program has no fixed period to draw.
    """
    if not (program.effective_from and program.effective_to):
        return {}
    start, end = program.effective_from, program.effective_to
    histories = [
        h
        for h in selectors.rule_histories(issuer=program.issuer)
        if h.rule.program_id == program.pk
    ]
    rows = [
        (
            localized_name(h.rule.nationality, get_language()),
            [
                (s.start, s.end)
                for s in h.segments
                if s.entry and s.entry.terms and s.entry.terms.bond_required
            ],
        )
        for h in histories
    ]
    rows.sort(key=lambda row: (min((s for s, _ in row[1]), default=end), row[0]))
    points = selectors.designation_counts(issuer=program.issuer, start=start, end=end)
    return {
        "countries": timeline_chart(
            rows,
            start=start,
            end=end,
            title=_("Designations by country: %(name)s") % {"name": program.name},
        ),
        "designations": step_chart(
            points,
            start=start,
            end=end,
            title=_("Nationalities required to post a bond: %(name)s") % {"name": program.name},
            label=_("nationalities"),
        ),
    }
