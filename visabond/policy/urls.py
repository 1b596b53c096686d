from django.urls import path

from visabond.policy import views

urlpatterns = [
    path("requirements/", views.requirements_page, name="requirements-page"),
    path("console/", views.console_home, name="console-home"),
    path(
        "console/charts/policy/<slug:program>/<slug:kind>.<str:fmt>",
        views.policy_chart,
        name="policy-chart",
    ),
    path("console/rules/new/", views.rule_new, name="console-rule-new"),
    path("console/rules/<int:rule_id>/", views.rule_detail, name="console-rule"),
    path("console/reciprocity/", views.reviews, name="console-reviews"),
    path("console/reciprocity/directives/new/", views.directive_new, name="console-directive-new"),
]
