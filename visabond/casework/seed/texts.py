"""The seeded posts' payment channels, marked for the message catalogue so that the portal
and the printed notice say them in the reader's language (`{% translate %}` of the value).

A test checks that every payment channel of posts.json is here, word for word, and translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

SEED_PAYMENT_CHANNELS = (
    gettext_noop(
        "Form I-352 on Pay.gov, through the direct link the consular officer gives; never a "
        "third-party website"
    ),
    gettext_noop("As directed by the consular section of the Embassy of Mali"),
)
