from django.urls import path

from visabond.printing.views import document

urlpatterns = [
    path(
        "cases/<str:reference>/visa/",
        document,
        {"kind": "visa", "pdf": False},
        name="print-visa-foil",
    ),
    path(
        "cases/<str:reference>/visa.pdf",
        document,
        {"kind": "visa", "pdf": True},
        name="print-visa-foil-pdf",
    ),
    path(
        "cases/<str:reference>/bond-notice/",
        document,
        {"kind": "bond-notice", "pdf": False},
        name="print-bond-notice",
    ),
    path(
        "cases/<str:reference>/bond-notice.pdf",
        document,
        {"kind": "bond-notice", "pdf": True},
        name="print-bond-notice-pdf",
    ),
]
