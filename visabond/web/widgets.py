"""Form widgets the pages share: ISO date inputs, and selects drawn without a template per option."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

Option = tuple[str, str]
Group = tuple[str, Sequence[Option]]


class DateInput(forms.DateInput):
    """A browser date field: its value is always ISO 8601 (YYYY-MM-DD), whatever the language.

    The HTML standard defines `<input type=date>` values as ISO dates; a localised value such
    as 30/11/2026 is rejected by the browser and the field shows empty.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        """Django's input markup, drawn without its three templates per field."""
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 - name, value and attributes are escaped
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{flatatt(widget["attrs"])}>'
        )


# The day as each page's language writes it, and the hint beside it (the ISO form is read in
# every language, ISO 8601). English pages write ISO: 03/04/2025 is read two ways.
DAY_FORMATS: dict[str, tuple[str, str]] = {
    "fr": ("%d/%m/%Y", "JJ/MM/AAAA"),
    "en": ("%Y-%m-%d", "YYYY-MM-DD"),
}
ISO_DAY = "%Y-%m-%d"


def day_format() -> tuple[str, str]:
    """The active language's day format (strftime) and its hint ("JJ/MM/AAAA")."""
    language = (get_language() or "en").split("-")[0]
    return DAY_FORMATS.get(language, DAY_FORMATS["en"])


class DayInput(forms.DateInput):
    """A day typed as the page's language writes it, with the form named as its placeholder.

    For public pages: a browser's own date picker follows the browser's locale, not the
    page's (a French page in an American browser asked for mm/dd/yyyy)."""

    input_type = "text"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return str(value.strftime(day_format()[0]))
        return None if value in (None, "") else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", day_format()[1])
        context["widget"]["attrs"].setdefault("inputmode", "numeric")
        return context


def options_markup(choices: Iterable[tuple[Any, Any]]) -> str:
    """The `<option>`s (and `<optgroup>`s) of `choices`, escaped, none selected.

    Choices are (value, label) pairs or (group label, pairs) groups, as Django's.
    """
    parts: list[str] = []
    for value_or_group, label_or_options in choices:
        if isinstance(label_or_options, list | tuple):
            parts.append(f'<optgroup label="{escape(str(value_or_group))}">')
            parts.extend(_option(value, label) for value, label in label_or_options)
            parts.append("</optgroup>")
        else:
            parts.append(_option(str(value_or_group), str(label_or_options)))
    return "".join(parts)


def _option(value: str, label: str) -> str:
    return f'<option value="{escape(value)}">{escape(label)}</option>'


class FastSelect(forms.Select):
    """A select drawn with string joins instead of one template render per option.

    Django renders each option through a template, which for the ~250 countries of a
    nationality list costs more than the rest of the page; the output is the same markup.
    """

    def drawn_options(self) -> str:
        """The options' markup, none selected (`options_markup` of the choices)."""
        return options_markup(self.choices)

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        options = self.drawn_options()
        for selected in self.format_value(value):
            unmarked = f'<option value="{escape(str(selected))}">'
            options = options.replace(unmarked, unmarked[:-1] + " selected>", 1)
        # Every value and label was escaped when the options were drawn (`options_markup`).
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308


class KeptSelect(FastSelect):
    """A select whose options were drawn once and kept: `kept_options()` returns their markup
    (`options_markup`, kept by the caller, e.g. per language); a render only marks the
    selected one. For the long lists (every country) that every page view would redraw.
    """

    def __init__(
        self,
        options: Callable[[], str],
        *,
        blank_first: bool = False,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs=attrs)
        self.kept_options = options
        self.blank_first = blank_first

    def drawn_options(self) -> str:
        return self.kept_options()

    def use_required_attribute(self, initial: Any) -> bool:
        # As Django's Select: `required` only when the first option is an empty value.
        return self.blank_first and forms.Widget.use_required_attribute(self, initial)
