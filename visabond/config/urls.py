from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from visabond.accounts.views import SignInView
from visabond.config.api import api
from visabond.web import views as web_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", web_views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/landing/", web_views.landing, name="landing"),
    path("", include("visabond.policy.urls")),
    path("", include("visabond.casework.urls")),
    path("", include("visabond.printing.urls")),
    path("", include("visabond.portal.urls")),
    path("", include("visabond.stats.urls")),
    path("", include("visabond.border.upload_urls")),
    path("", include("visabond.border.urls")),
    path("", include("visabond.adjudication.urls")),
    path("", include("visabond.finance.urls")),
    prefix_default_language=False,
)

handler400 = "visabond.web.views.bad_request"
handler403 = "visabond.web.views.permission_denied"
handler404 = "visabond.web.views.page_not_found"
handler500 = "visabond.web.views.server_error"
