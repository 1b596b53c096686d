from django.urls import path

from visabond.printing import views

urlpatterns = [
    path("cases/<str:reference>/visa/", views.visa_foil, name="print-visa-foil"),
    path("cases/<str:reference>/visa.pdf", views.visa_foil_pdf, name="print-visa-foil-pdf"),
    path("cases/<str:reference>/bond-notice/", views.bond_notice, name="print-bond-notice"),
    path(
        "cases/<str:reference>/bond-notice.pdf",
        views.bond_notice_pdf,
        name="print-bond-notice-pdf",
    ),
]
