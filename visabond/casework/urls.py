from django.urls import path

from visabond.casework import views

urlpatterns = [
    path("console/cases/", views.console_cases, name="console-cases"),
    path("console/cases/<str:reference>/", views.console_case, name="console-case"),
    path(
        "console/cases/<str:reference>/decision/",
        views.console_decide,
        name="console-case-decide",
    ),
]
