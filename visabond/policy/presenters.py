"""The requirement answer in plain words, for the command line and the public page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from visabond.core.airports import airport_name
from visabond.core.countries import localized_name


def money_text(amount: str, currency: str) -> str:
    return f"{number_format(Decimal(amount), decimal_pos=0, force_grouping=True)} {currency}"


def requirement_sentences(answer: dict[str, Any]) -> list[str]:
    """The answer as sentences a traveller can act on, in the active language."""
    language = get_language()
    issuer = localized_name(answer["issuer"], language)
    nationality = localized_name(answer["nationality"], language)
    sentences: list[str] = []
    if answer["issuance_suspended"]:
        sentences.append(
            _("%(issuer)s has suspended routine visa issuance for nationals of %(nationality)s.")
            % {"issuer": issuer, "nationality": nationality}
        )
    if not answer["bond_required"]:
        sentences.append(
            _("No visa bond is required of nationals of %(nationality)s for this visa on %(on)s.")
            % {"nationality": nationality, "on": answer["on"]}
        )
    else:
        amounts = ", ".join(money_text(a, answer["currency"]) for a in answer["amounts"])
        sentences.append(
            _(
                "A visa bond is required of nationals of %(nationality)s: the consular officer "
                "sets it at the interview among %(amounts)s (standard: %(standard)s)."
            )
            % {
                "nationality": nationality,
                "amounts": amounts,
                "standard": money_text(answer["standard_amount"], answer["currency"]),
            }
        )
        sentences.append(
            _(
                "Pay the bond only after a consular officer directs you to; a bond does not guarantee a visa."
            )
        )
        sentences += _visa_sentences(answer)
    if answer["effective_from"]:
        until = answer["effective_to"] or _("further notice")
        sentences.append(
            _("This rule applies from %(start)s until %(end)s.")
            % {"start": answer["effective_from"], "end": until}
        )
    sentences += answer["notes"]
    return sentences


def _visa_sentences(answer: dict[str, Any]) -> list[str]:
    visa = answer["visa"]
    sentences = []
    if visa["entries"] == 1 and visa["validity_days"]:
        sentences.append(
            _("The visa allows a single entry and is valid for %(days)s days.")
            % {"days": visa["validity_days"]}
        )
    if visa["max_stay_days"]:
        sentences.append(
            ngettext(
                "Admission is usually for at most %(days)s day.",
                "Admission is usually for at most %(days)s days.",
                visa["max_stay_days"],
            )
            % {"days": visa["max_stay_days"]}
        )
    if answer["ports"]:
        ports = ", ".join(f"{airport_name(p)} ({p})" for p in answer["ports"])
        sentences.append(
            _(
                "Enter and leave only through: %(ports)s. Other ports may mean refused entry or an unrecorded departure."
            )
            % {"ports": ports}
        )
    return sentences


def requirement_text(answer: dict[str, Any]) -> str:
    lines = [
        f"{answer['issuer']} -> {answer['nationality']} {answer['visa_class']} on {answer['on']}"
        + (f" (as known on {answer['known_on']})" if answer["known_on"] else ""),
        *requirement_sentences(answer),
    ]
    if answer["rule_id"]:
        lines.append(f"Rule {answer['rule_id']} v{answer['version']}: {answer['legal_basis']}")
    if answer["mirrored_from"]:
        m = answer["mirrored_from"]
        lines.append(
            f"Mirrors rule {m['source_rule_id']} v{m['source_version']} of {m['source_issuer']} "
            f"for {m['source_nationality']} {m['source_visa_class']} (reciprocity directive {m['directive_id']})"
        )
    lines += [
        f"Source: {s['title']}" + (f" <{s['url']}>" if s["url"] else "") for s in answer["sources"]
    ]
    return "\n".join(lines)
