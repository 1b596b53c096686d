from django.urls import path

from visabond.border import upload_views

urlpatterns = [
    path("departure-check/", upload_views.departure_check_page, name="departure-check"),
    path(
        "departure-check/evidence/",
        upload_views.departure_evidence_upload,
        name="departure-evidence",
    ),
    path("console/border/uploads/", upload_views.uploads_page, name="border-uploads"),
    path("console/border/uploads/<int:upload_id>/", upload_views.upload_page, name="border-upload"),
    path(
        "console/border/uploads/<int:upload_id>/file",
        upload_views.upload_file,
        name="border-upload-file",
    ),
]
