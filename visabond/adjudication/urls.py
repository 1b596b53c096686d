from django.urls import path

from visabond.adjudication import views

urlpatterns = [
    path("adjudications/", views.adjudications_list, name="adjudications"),
    path("adjudications/<str:reference>/", views.adjudication_page, name="adjudication-page"),
    path(
        "adjudications/<str:reference>/contest/",
        views.adjudication_contest,
        name="adjudication-contest",
    ),
]
