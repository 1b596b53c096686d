from django.urls import path

from visabond.portal import views

urlpatterns = [
    path("accounts/sign-up/", views.sign_up, name="sign-up"),
    path("portal/", views.portal_home, name="portal-home"),
    path("portal/apply/", views.portal_apply, name="portal-apply"),
    path("portal/claim/", views.portal_claim, name="portal-claim"),
    path("portal/cases/<str:reference>/", views.portal_case, name="portal-case"),
    path(
        "portal/cases/<str:reference>/refund-account/",
        views.portal_refund_account,
        name="portal-refund-account",
    ),
]
