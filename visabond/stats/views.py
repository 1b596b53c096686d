"""The statistics console: snapshots with their provenance, the cut-off curve, the designation assistant.

Analysts use it; auditors may read it.
"""

from __future__ import annotations

import datetime as dt
import re
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
from visabond.core.dates import iso_day
from visabond.core.errors import InvalidQuery, VisabondError, gettext_noop
from visabond.stats import selectors
from visabond.stats.charts import cutoff_chart, rates_chart
from visabond.stats.designation import Threshold, by_nationality
from visabond.web.charts import Chart
from visabond.web.downloads import chart_download
from visabond.web.localized import error_text

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
    """The fiscal year asked for (`fy`), else the latest with a snapshot (None: none yet).
    Raises `InvalidQuery` for an `fy` that is not a year: the latest year shown instead
    would pass for the one asked for."""
    typed = request.GET.get("fy", "").strip()
    if not typed:
        years = selectors.fiscal_years()
        return years[0] if years else None
    if not (typed.isascii() and typed.isdigit() and len(typed) == 4) or typed.startswith("0"):
        raise InvalidQuery(
            gettext_noop("fy: a fiscal year in four digits, such as 2026"),
            code="fiscal_year_format",
            field="fy",
        )
    return int(typed)


@login_required
def stats_home(request: HttpRequest) -> HttpResponse:
    """Snapshots taken, and how the suspected in-country count falls as the cut-off moves;
    a malformed fiscal year is said (400), with the snapshots still listed."""
    _require_reader(request)
    errors: list[str] = []
    try:
        year = _year(request)
    except InvalidQuery as error:
        errors.append(error_text(error))
        year = None
    curve = selectors.cutoff_curve(year) if year else []
    return render(
        request,
        "stats/home.html",
        {
            "snapshots": selectors.snapshot_list(),
            "year": year,
            "years": selectors.fiscal_years(),
            "errors": errors,
            "curve": [(s, selectors.snapshot_total(s)) for s in curve],
            "cutoff": _shown(cutoff_chart(year, curve), "cutoff", f"fy={year}")
            if year and curve
            else None,
        },
        status=400 if errors else 200,
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


PERCENTAGE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,6})?", re.ASCII)
COUNT = re.compile(r"[0-9]{1,12}", re.ASCII)


def _threshold(request: HttpRequest) -> tuple[Threshold, list[InvalidQuery]]:
    """The what-if threshold (`threshold`, a percentage; `min_expected`), the default for a
    parameter not given; each malformed one is an `InvalidQuery` naming it."""
    errors: list[InvalidQuery] = []
    rate, minimum = DEFAULT_THRESHOLD.rate, DEFAULT_THRESHOLD.min_expected
    typed = request.GET.get("threshold", "10")
    try:
        # Digits and a point only: Decimal also reads 1_0, other scripts' digits and
        # exponents, of which 1e999999999 overflows the division.
        if not PERCENTAGE.fullmatch(typed):
            raise InvalidOperation
        rate = Decimal(typed) / 100
        if not 0 <= rate <= 1:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(
            InvalidQuery(
                gettext_noop("threshold: a percentage between 0 and 100"),
                code="threshold_format",
                field="threshold",
            )
        )
    typed = request.GET.get("min_expected", "100")
    try:
        if not COUNT.fullmatch(typed):  # int() reads 1_0 and other scripts' digits too
            raise ValueError
        minimum = int(typed)
    except ValueError:
        errors.append(
            InvalidQuery(
                gettext_noop("min_expected: a whole number of expected departures, 0 or more"),
                code="min_expected_format",
                field="min_expected",
            )
        )
    return Threshold(rate, minimum), errors


def _on(request: HttpRequest) -> tuple[dt.date, list[InvalidQuery]]:
    """The day the registry is read on (`on`, YYYY-MM-DD; today when not given)."""
    typed = request.GET.get("on", "")
    if not typed:
        return clock.today(), []
    try:
        return iso_day(typed), []
    except ValueError:
        refusal = InvalidQuery(
            gettext_noop("on: a date in the form YYYY-MM-DD"), code="date_format", field="on"
        )
        return clock.today(), [refusal]


@login_required
def designation(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """Nationalities over a threshold beside what the registry designates on a date; a what-if.

    A malformed parameter is said (400) with the values typed kept in the form, and no
    review is shown: one computed from other values than the form shows would mislead."""
    _require_reader(request)
    snapshot = _snapshot(snapshot_id)
    threshold, refused = _threshold(request)
    on, refused_day = _on(request)
    errors = [error_text(error) for error in [*refused, *refused_day]]
    rows = [] if errors else selectors.designation_review(snapshot, threshold=threshold, on=on)
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
            "typed": request.GET,
            "errors": errors,
            "proposed": [r for r in rows if r.proposed],
            "added": [r for r in rows if r.proposed and r.designated is False],
            "dropped": [r for r in rows if not r.proposed and r.designated],
            "rates": None
            if errors
            else _shown(
                rates_chart([r.figures for r in rows], threshold),
                "rates",
                f"snapshot={snapshot.pk}&{query}",
            ),
        },
        status=400 if errors else 200,
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
        threshold, errors = _threshold(request)
        if errors:
            raise errors[0]
        chart = rates_chart(by_nationality(snapshot.rows), threshold)
        return chart_download(chart, name=f"rates-snapshot-{snapshot.pk}", fmt=fmt)
    raise Http404("no such chart")
