"""The requirement answer in plain words, for the command line and the public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from visabond.core.airports import airport_name
from visabond.core.country_names import CountryName, capitalised, country_name
from visabond.policy.rules import Requirement, RuleTerms
from visabond.web.localized import money_text


def day_text(iso: str) -> str:
    """A day as the active language writes it in a sentence ("11 octobre 2025")."""
    return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT")


def _suspension(issuer: CountryName) -> str:
    # French verbs agree with a plural subject ("les États-Unis ont suspendu").
    if issuer.plural:
        return pgettext(
            "plural issuer",
            "%(issuer)s has suspended routine visa issuance for nationals %(of_nationality)s.",
        )
    return _("%(issuer)s has suspended routine visa issuance for nationals %(of_nationality)s.")


def mirror_sentence(source_issuer: str) -> str:
    """Says that a rule copies, by reciprocity, what another state applies."""
    issuer = country_name(source_issuer, get_language())
    if issuer.plural:
        text = pgettext(
            "plural issuer",
            "This rule mirrors, by reciprocity, the conditions %(issuer)s applies to this "
            "state's nationals.",
        )
    else:
        text = _(
            "This rule mirrors, by reciprocity, the conditions %(issuer)s applies to this "
            "state's nationals."
        )
    return text % {"issuer": issuer.subject}


def requirement_sentences(answer: dict[str, Any]) -> list[str]:
    """The answer as sentences a traveller can act on, in the active language.

    Country names take their article and preposition ("nationals of the United States",
    "ressortissants du Mali"); notes written in the catalogue's language are translated.
    """
    language = get_language()
    issuer = country_name(answer["issuer"], language)
    nationality = country_name(answer["nationality"], language)
    sentences: list[str] = []
    if answer["issuance_suspended"]:
        sentences.append(
            _suspension(issuer)
            % {"issuer": capitalised(issuer.subject), "of_nationality": nationality.of}
        )
    if not answer["bond_required"]:
        sentences.append(
            _("No visa bond is required of nationals %(of_nationality)s for this visa on %(on)s.")
            % {"of_nationality": nationality.of, "on": day_text(answer["on"])}
        )
    else:
        amounts = ", ".join(money_text(a, answer["currency"]) for a in answer["amounts"])
        sentences.append(
            _(
                "A visa bond is required of nationals %(of_nationality)s: the consular officer "
                "sets it at the interview among %(amounts)s (standard: %(standard)s)."
            )
            % {
                "of_nationality": nationality.of,
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
    if answer["effective_from"] and answer["effective_to"]:
        sentences.append(
            _("This rule applies from %(start)s until %(end)s.")
            % {"start": day_text(answer["effective_from"]), "end": day_text(answer["effective_to"])}
        )
    elif answer["effective_from"]:
        sentences.append(
            _("This rule applies from %(start)s until further notice.")
            % {"start": day_text(answer["effective_from"])}
        )
    if answer.get("ended"):
        sentences.append(_ended_sentence(answer["ended"], nationality))
    # Notes of the seeded rules are in the catalogue; an officer's own notes stay as typed.
    sentences += [_(note) for note in answer["notes"]]
    return sentences


def _ended_sentence(ended: dict[str, Any], nationality: CountryName) -> str:
    """Why no rule is in force: the rule for the class was withdrawn, or it ran out."""
    values = {
        "rule": ended["rule_id"],
        "version": ended["version"],
        "of_nationality": nationality.of,
        "start": day_text(ended["effective_from"]),
        "announced": day_text(ended["announced_on"]),
        "last": day_text(ended["last_day"]) if ended["last_day"] else "",
    }
    if not ended["withdrawn"]:
        text = _(
            "The requirement on nationals %(of_nationality)s (rule %(rule)s, version "
            "%(version)s) ended on %(last)s."
        )
    elif ended["last_day"]:
        text = _(
            "The requirement on nationals %(of_nationality)s (rule %(rule)s) was withdrawn "
            "from %(start)s by version %(version)s, announced on %(announced)s."
        )
    else:
        text = _(
            "The requirement on nationals %(of_nationality)s (rule %(rule)s) was withdrawn "
            "before it took effect, by version %(version)s announced on %(announced)s."
        )
    return text % values


def _visa_sentences(answer: dict[str, Any]) -> list[str]:
    visa = answer["visa"]
    sentences = []
    if visa["entries"] == 1 and visa["validity_days"]:
        sentences.append(
            ngettext(
                "The visa allows a single entry and is valid for %(days)s day.",
                "The visa allows a single entry and is valid for %(days)s days.",
                visa["validity_days"],
            )
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
    if answer.get("ended"):
        ended = answer["ended"]
        lines.append(f"Rule {ended['rule_id']} v{ended['version']}: {ended['legal_basis']}")
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


def requirement_summary(requirement: Requirement) -> str:
    """One line for a console: the bond and its amounts, or none, and any suspension."""
    terms = requirement.terms
    if terms is not None and terms.bond_required and terms.currency:
        amounts = ", ".join(money_text(a.as_string(), a.currency) for a in terms.amounts)
        text = _("a bond is required (%(amounts)s)") % {"amounts": amounts}
    else:
        text = _("no bond is required")
    if requirement.issuance_suspended:
        text += _("; visa issuance suspended")
    return text


ACTIONS = {
    "designate": gettext_lazy("designate"),
    "amend": gettext_lazy("amend"),
    "withdraw": gettext_lazy("withdraw"),
}
STATUSES = {
    "in-force": gettext_lazy("in force"),
    "scheduled": gettext_lazy("scheduled"),
    "ended": gettext_lazy("ended"),
    "withdrawn": gettext_lazy("withdrawn"),
}


def notice_warning_text(
    *, announced_on: dt.date, effective_from: dt.date, program_name: str, notice_days: int
) -> str:
    """A version announced with less notice than its program promises (22 CFR 41.11(c): 15
    days), said in the active language; the API keeps the English `notice_warning`."""
    given = (effective_from - announced_on).days
    # Two counts, two plurals: the days given and the days promised.
    promise = ngettext(
        "%(program)s promises %(notice)s day's notice",
        "%(program)s promises %(notice)s days' notice",
        notice_days,
    ) % {"program": program_name, "notice": notice_days}
    if given >= 0:
        text = ngettext(
            "announced %(days)s day before it takes effect; %(promise)s",
            "announced %(days)s days before it takes effect; %(promise)s",
            given,
        )
    else:
        text = ngettext(
            "announced %(days)s day after it took effect; %(promise)s",
            "announced %(days)s days after it took effect; %(promise)s",
            -given,
        )
    return text % {"days": abs(given), "promise": promise}


def terms_text(terms: RuleTerms | None) -> str:
    """A version's terms on one line: amounts as the active language writes them."""
    if terms is None:
        return "—"
    if terms.bond_required and terms.standard_amount is not None:
        amounts = ", ".join(money_text(a.amount, a.currency) for a in terms.amounts)
        standard = money_text(terms.standard_amount.amount, terms.standard_amount.currency)
        text = _("%(amounts)s (standard %(standard)s)") % {
            "amounts": amounts,
            "standard": standard,
        }
        if terms.ports:
            text += "; " + " ".join(terms.ports)
    else:
        text = _("no bond")
    if terms.issuance_suspended:
        text += "; " + _("issuance suspended")
    return text
