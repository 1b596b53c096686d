from django.urls import path

from visabond.border import views

urlpatterns = [
    path("border/admit/", views.border_admit, name="border-admit"),
    path("border/departures/", views.border_depart, name="border-depart"),
    path("border/review/", views.border_review, name="border-review"),
    path("border/manifests/", views.border_manifests, name="border-manifests"),
]
