"""Signing in: the console opens in the language the person reads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.urls import translate_url

from visabond.accounts.models import User


class SignInView(auth_views.LoginView):
    """Django's sign-in, then the page asked for in the user's `preferred_language` (set by
    `visabond user create --language`); the language links switch it from there on, and
    the language cookie remembers it for `/`."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = self._language()
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    def get_success_url(self) -> str:
        return translate_url(super().get_success_url(), self._language())

    def _language(self) -> str:
        user = self.request.user
        chosen = user.preferred_language if isinstance(user, User) else ""
        return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
