"""The French catalogue is complete and its compiled form matches it."""

from __future__ import annotations

from pathlib import Path

import polib

import visabond

CATALOGUE = Path(visabond.__file__).parent / "locale/fr/LC_MESSAGES/django.po"


def test_every_french_message_is_translated() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_compiled_catalogue_is_current() -> None:
    """Run scripts/translations_fr.py after changing django.po, so django.mo follows."""
    source = {(e.msgid, e.msgstr) for e in polib.pofile(str(CATALOGUE)) if not e.msgid_plural}
    compiled = {
        (e.msgid, e.msgstr)
        for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
        if not e.msgid_plural
    }
    assert source <= compiled


def test_every_seeded_note_is_in_the_catalogue_and_translated() -> None:
    from tests.conftest import shipped_timeline
    from visabond.policy.seed.texts import SEED_NOTES

    french = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE))}
    notes = {t["notes"] for t in shipped_timeline()["terms"].values() if t["notes"]}
    assert notes <= set(SEED_NOTES)
    assert all(french.get(note) for note in notes)


def test_every_seeded_payment_channel_is_in_the_catalogue_and_translated() -> None:
    import json

    from visabond.casework.seed.texts import SEED_PAYMENT_CHANNELS

    posts = Path(visabond.__file__).parent / "casework/seed/posts.json"
    french = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE))}
    channels = {
        terms["payment_channel"]
        for terms in json.loads(posts.read_text())["bond_terms"]
        if terms["payment_channel"]
    }
    assert channels
    assert channels <= set(SEED_PAYMENT_CHANNELS)
    assert all(french.get(channel) for channel in channels)
