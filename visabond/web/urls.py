from django.urls import path

from visabond.web import views

urlpatterns = [
    path(
        "console/charts/policy/<slug:program>/<slug:kind>.<str:fmt>",
        views.policy_chart,
        name="policy-chart",
    ),
]
