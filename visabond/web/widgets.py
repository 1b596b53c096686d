"""Form widgets the pages share: ISO date inputs, and selects drawn without a template per option."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe

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


def _options(options: Iterable[Option], selected: set[str]) -> Iterable[str]:
    for value, label in options:
        mark = " selected" if value in selected else ""
        yield f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>'


class FastSelect(forms.Select):
    """A select drawn with string joins instead of one template render per option.

    Django renders each option through a template, which for the ~250 countries of a
    nationality list costs more than the rest of the page; the output is the same markup.
    Choices are (value, label) pairs or (group label, pairs) groups, as Django's.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        parts = [f"<select{flatatt(final)}>"]
        for value_or_group, label_or_options in self.choices:
            if isinstance(label_or_options, list | tuple):
                parts.append(f'<optgroup label="{escape(str(value_or_group))}">')
                parts.extend(_options(label_or_options, selected))
                parts.append("</optgroup>")
            else:
                parts.extend(_options([(str(value_or_group), str(label_or_options))], selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
