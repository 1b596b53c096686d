"""The project's user model in Django's admin, with the language a person reads."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from visabond.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Language", {"fields": ("preferred_language",)}),
    )
    list_display = ("username", "email", "preferred_language", "is_staff", "is_active")
