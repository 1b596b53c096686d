"""Machine clients: a key is made here, shown once, kept as a prefix and a hash, found only by
the whole key, and revoked for good."""

from __future__ import annotations

import json

import pytest

from visabond.audit.models import AuditEvent
from visabond.border.client_services import border_client_add, border_client_revoke
from visabond.border.keys import key_hash, key_prefix
from visabond.border.models import BorderClient
from visabond.border.selectors import border_client_for_key
from visabond.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_a_key_is_kept_only_as_its_prefix_and_hash() -> None:
    client, key = border_client_add(name="CBP-ADES", scopes=["departure", "admission"], actor="t")
    row = BorderClient.objects.get()
    assert (row.name, row.scopes) == ("cbp-ades", ["admission", "departure"])
    assert row.key_prefix == key_prefix(key)
    assert row.key_hash == key_hash(key)
    stored = json.dumps([list(BorderClient.objects.values().get().values())], default=str)
    assert key not in stored
    assert key not in json.dumps([e.details for e in AuditEvent.objects.all()])
    assert border_client_for_key(key) == client


def test_a_key_with_a_known_prefix_but_another_secret_is_nobodys() -> None:
    _, key = border_client_add(name="carrier", scopes=["paxlst"], actor="t")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert border_client_for_key(forged) is None
    assert border_client_for_key("Bearer nonsense") is None


def test_a_client_needs_a_name_and_known_scopes() -> None:
    with pytest.raises(InvalidInput) as no_scope:
        border_client_add(name="x", scopes=[], actor="t")
    assert no_scope.value.field == "scopes"
    with pytest.raises(InvalidInput) as unknown:
        border_client_add(name="x", scopes=["payments"], actor="t")
    assert unknown.value.code == "scope_unknown"
    with pytest.raises(InvalidInput) as bad_name:
        border_client_add(name="two words", scopes=["paxlst"], actor="t")
    assert bad_name.value.field == "name"
    border_client_add(name="x", scopes=["paxlst"], actor="t")
    with pytest.raises(Conflict):
        border_client_add(name="X", scopes=["paxlst"], actor="t")
    assert BorderClient.objects.count() == 1


def test_a_client_is_revoked_once_and_audited() -> None:
    border_client_add(name="carrier", scopes=["paxlst"], actor="t")
    revoked = border_client_revoke(name="carrier", actor="operator")
    assert revoked.revoked_at is not None
    with pytest.raises(Conflict) as again:
        border_client_revoke(name="carrier", actor="operator")
    assert again.value.code == "client_revoked"
    assert AuditEvent.objects.filter(action="border.client_revoked").get().actor_name == "operator"
