"""Admin for reference data, read-only: the registry changes through its services, audited.

A rule's history is append-only: it is shown, never edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from visabond.policy.models import (
    Program,
    ReciprocityDirective,
    ReciprocityReview,
    Rule,
    RuleVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    # Programs are registered by the services, audited; an edit here would bypass the audit
    # trail, and the kept public answers (policy/answers.py) rely on programs only being added.
    list_display = ("code", "issuer", "name", "notice_days", "effective_from", "effective_to")


class RuleVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RuleVersion
    extra = 0
    can_delete = False
    fields = (
        "version",
        "action",
        "effective_from",
        "effective_to",
        "announced_on",
        "bond_required",
        "reason",
        "author_name",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ("pk", "issuer", "nationality", "visa_class", "program")
    list_filter = ("issuer", "program")
    search_fields = ("nationality",)
    inlines = [RuleVersionInline]


@admin.register(ReciprocityDirective)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ("issuer", "counterpart", "mode", "cap_amount", "cap_currency", "effective_from")


@admin.register(ReciprocityReview)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("pk", "directive", "change", "status", "created_at")
    list_filter = ("status",)
