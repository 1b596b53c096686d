"""The seeded rules' notes, marked for the message catalogue so that pages show them translated.

A test checks that every note of timeline.json is here, word for word, and translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

SEED_NOTES = (
    gettext_noop(
        "Form I-352, paid through Pay.gov only after a consular officer directs it; money paid "
        "without direction is not returned; a bond does not guarantee issuance."
    ),
    gettext_noop(
        "Routine visa operations at the U.S. Embassy in Ouagadougou suspended; nonimmigrant "
        "applicants apply at the U.S. Embassy in Lomé. Official and diplomatic visas are not "
        "affected."
    ),
)
