"""Chart downloads for every console: the table a chart shows as CSV, the drawing as PNG."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from visabond.web.charts import Chart


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
