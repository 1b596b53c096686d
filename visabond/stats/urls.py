from django.urls import path

from visabond.stats import views

urlpatterns = [
    path("console/stats/", views.stats_home, name="stats-home"),
    path(
        "console/stats/snapshots/<int:snapshot_id>/", views.snapshot_detail, name="stats-snapshot"
    ),
    path(
        "console/stats/snapshots/<int:snapshot_id>/designation/",
        views.designation,
        name="stats-designation",
    ),
    path("console/stats/charts/<slug:name>.<str:fmt>", views.stats_chart, name="stats-chart"),
]
