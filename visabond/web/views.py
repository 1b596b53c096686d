"""Chart downloads: the table a chart shows as CSV, the drawing as PNG."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from visabond.accounts.roles import Role, has_role
from visabond.policy import selectors
from visabond.web.charts import Chart
from visabond.web.policy_charts import program_charts


def chart_download(chart: Chart, *, name: str, fmt: str) -> HttpResponse:
    """`chart` as an attachment `name.csv` (its table) or `name.png` (its drawing)."""
    if fmt == "csv":
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "png":
        response = HttpResponse(chart.png(), content_type="image/png")
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def policy_chart(request: HttpRequest, program: str, kind: str, fmt: str) -> HttpResponse:
    """A policy console chart of one program, for policy officers and auditors."""
    if not has_role(request.user, Role.POLICY_OFFICER, Role.AUDITOR):
        raise PermissionDenied
    charts = program_charts(selectors.program_by_code(program))
    if kind not in charts:
        raise Http404("no such chart")
    return chart_download(charts[kind], name=f"{program}-{kind}", fmt=fmt)
