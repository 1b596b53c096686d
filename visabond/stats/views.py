"""The statistics console: snapshots with their provenance, the cut-off curve, the designation assistant.

Analysts use it; auditors may read it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role
from visabond.core import clock
from visabond.core.errors import VisabondError
from visabond.stats import selectors
from visabond.stats.charts import cutoff_chart, rates_chart
from visabond.stats.designation import Threshold, by_nationality
from visabond.web.charts import Chart
from visabond.web.downloads import chart_download

DEFAULT_THRESHOLD = Threshold(Decimal("0.10"), 100)


def _require_reader(request: HttpRequest) -> None:
    if not has_role(request.user, Role.ANALYST, Role.AUDITOR):
        raise PermissionDenied(_("This page needs another role."))


def _shown(chart: Chart, name: str, query: str) -> dict[str, Any]:
    base = reverse("stats-chart", args=[name, "csv"]), reverse("stats-chart", args=[name, "png"])
    return {
        "chart": chart,
        "svg": mark_safe(chart.svg()),  # noqa: S308 - drawn by matplotlib, labels escaped
        "csv_url": f"{base[0]}?{query}",
        "png_url": f"{base[1]}?{query}",
    }


def _year(request: HttpRequest) -> int | None:
    years = selectors.fiscal_years()
    try:
        return int(request.GET["fy"])
    except (KeyError, ValueError):
        return years[0] if years else None


@login_required
def stats_home(request: HttpRequest) -> HttpResponse:
    """Snapshots taken, and how the suspected in-country count falls as the cut-off moves."""
    _require_reader(request)
    year = _year(request)
    curve = selectors.cutoff_curve(year) if year else []
    return render(
        request,
        "stats/home.html",
        {
            "snapshots": selectors.snapshot_list(),
            "year": year,
            "years": selectors.fiscal_years(),
            "curve": [(s, selectors.snapshot_total(s)) for s in curve],
            "cutoff": _shown(cutoff_chart(year, curve), "cutoff", f"fy={year}")
            if year and curve
            else None,
        },
    )


@login_required
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """A snapshot's figures by nationality, with what they were computed from."""
    _require_reader(request)
    snapshot = _snapshot(snapshot_id)
    figures = by_nationality(snapshot.rows)
    return render(
        request,
        "stats/snapshot.html",
        {
            "snapshot": snapshot,
            "total": selectors.snapshot_total(snapshot),
            "figures": figures,
            "rates": _shown(
                rates_chart(figures, DEFAULT_THRESHOLD), "rates", f"snapshot={snapshot.pk}"
            ),
        },
    )


def _snapshot(snapshot_id: int) -> Any:
    try:
        return selectors.snapshot_get(snapshot_id)
    except VisabondError as error:
        raise Http404(str(error)) from None


def _threshold(request: HttpRequest) -> tuple[Threshold, list[str]]:
    errors = []
    rate, minimum = DEFAULT_THRESHOLD.rate, DEFAULT_THRESHOLD.min_expected
    try:
        rate = Decimal(request.GET.get("threshold", "10")) / 100
        if not 0 <= rate <= 1:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(_("threshold: a percentage between 0 and 100"))
        rate = DEFAULT_THRESHOLD.rate
    try:
        minimum = int(request.GET.get("min_expected", "100"))
        if minimum < 0:
            raise ValueError
    except ValueError:
        errors.append(_("min_expected: a whole number of expected departures, 0 or more"))
        minimum = DEFAULT_THRESHOLD.min_expected
    return Threshold(rate, minimum), errors


@login_required
def designation(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """Nationalities over a threshold beside what the registry designates on a date; a what-if."""
    _require_reader(request)
    snapshot = _snapshot(snapshot_id)
    threshold, errors = _threshold(request)
    try:
        on = (
            dt.date.fromisoformat(request.GET.get("on", ""))
            if request.GET.get("on")
            else clock.today()
        )
    except ValueError:
        errors.append(_("on: a date in the form YYYY-MM-DD"))
        on = clock.today()
    rows = selectors.designation_review(snapshot, threshold=threshold, on=on)
    query = request.GET.urlencode()
    return render(
        request,
        "stats/designation.html",
        {
            "snapshot": snapshot,
            "rows": rows,
            "threshold_percent": threshold.rate * 100,
            "min_expected": threshold.min_expected,
            "on": on,
            "errors": errors,
            "proposed": [r for r in rows if r.proposed],
            "added": [r for r in rows if r.proposed and r.designated is False],
            "dropped": [r for r in rows if not r.proposed and r.designated],
            "rates": _shown(
                rates_chart([r.figures for r in rows], threshold),
                "rates",
                f"snapshot={snapshot.pk}&{query}",
            ),
        },
    )


@login_required
def stats_chart(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """A chart of the statistics console as CSV or PNG, for the same parameters as its page."""
    _require_reader(request)
    if name == "cutoff":
        year = _year(request)
        if year is None:
            raise Http404("no snapshot")
        chart = cutoff_chart(year, selectors.cutoff_curve(year))
        return chart_download(chart, name=f"cutoff-fy{year}", fmt=fmt)
    if name == "rates":
        try:
            snapshot = _snapshot(int(request.GET.get("snapshot", "0")))
        except ValueError:
            raise Http404("no snapshot") from None
        threshold, _errors = _threshold(request)
        chart = rates_chart(by_nationality(snapshot.rows), threshold)
        return chart_download(chart, name=f"rates-snapshot-{snapshot.pk}", fmt=fmt)
    raise Http404("no such chart")
