"""Signing secrets at rest: encrypted under VISABOND_SECRETS_KEY, or a key derived from the
secret key; a configured key can be rotated, and a wrong key opens nothing."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.test import override_settings

from visabond.payments import vault


def test_a_sealed_secret_opens_with_the_same_settings_only() -> None:
    token = vault.seal("whsec_abc")
    assert "abc" not in token
    assert vault.unseal(token) == "whsec_abc"
    with override_settings(SECRET_KEY="another-secret-key"), pytest.raises(InvalidToken):
        vault.unseal(token)


def test_without_a_configured_key_the_key_is_derived_from_the_secret_key() -> None:
    token = vault.seal("whsec_abc")
    from django.conf import settings

    derived = Fernet(vault.derived_key(settings.SECRET_KEY))
    assert derived.decrypt(token.encode()) == b"whsec_abc"
    assert vault.derived_key("one") != vault.derived_key("two")


def test_a_configured_key_can_be_rotated_keeping_old_tokens_readable() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(VISABOND_SECRETS_KEY=old):
        token = vault.seal("whsec_abc")
    with override_settings(VISABOND_SECRETS_KEY=f"{new},{old}"):
        assert vault.unseal(token) == "whsec_abc"
        resealed = vault.seal("whsec_abc")
    with override_settings(VISABOND_SECRETS_KEY=new):
        assert vault.unseal(resealed) == "whsec_abc"
        with pytest.raises(InvalidToken):
            vault.unseal(token)
