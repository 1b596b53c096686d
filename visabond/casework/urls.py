from django.urls import path

from visabond.casework import views

urlpatterns = [
    path("console/cases/", views.console_cases, name="console-cases"),
    # Before the case's own path, which would read "walk-in" as a reference.
    path("console/cases/walk-in/", views.console_walk_in, name="console-walk-in"),
    path("console/cases/<str:reference>/", views.console_case, name="console-case"),
    path(
        "console/cases/<str:reference>/decision/",
        views.console_decide,
        name="console-case-decide",
    ),
]
