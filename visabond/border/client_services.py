"""Writes of machine clients (border systems, carriers): add one (its key shown once), revoke
one, and record a refused use.

Entry points (docs/writes.md). A key is generated here, never chosen (`keys.py`); only its
prefix and hash are stored. A client may send only the record kinds of its scopes. Every
step is audited, never with the key.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.border.keys import key_hash, key_new
from visabond.border.models import BorderClient
from visabond.border.records import RecordKind
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.core.writes import within_caller_transaction

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def border_client_add(*, name: str, scopes: list[str], actor: Actor) -> tuple[BorderClient, str]:
    """Add a machine client allowed to send the record kinds `scopes`; returns its row and
    its key, which is never shown again.

    An entry point. `name` (lower case letters, digits, `.`, `_`, `-`; at most 100) names
    the client in records (it is their sender). Raises `InvalidInput` for a bad name or
    scope, `Conflict` (`client_exists`) for a name taken.
    """
    cleaned = name.strip().lower()
    if not _NAME.match(cleaned):
        raise InvalidInput(
            "a client's name is lower-case letters, digits, '.', '_' or '-' (at most 100)",
            code="name_invalid",
            field="name",
        )
    kinds = _scopes(scopes)
    key, prefix = key_new()
    try:
        with transaction.atomic(durable=True):
            client = BorderClient.objects.create(
                name=cleaned,
                key_prefix=prefix,
                key_hash=key_hash(key),
                scopes=kinds,
                created_by=actor_name(actor),
            )
            audit_record(
                AuditAction.BORDER_CLIENT_ADDED,
                subject=client,
                actor=actor,
                details={"client": cleaned, "key_prefix": prefix, "scopes": kinds},
            )
    except IntegrityError:
        raise Conflict(
            f"there is a client named {cleaned} already", code="client_exists", field="name"
        ) from None
    return client, key


def border_client_revoke(*, name: str, actor: Actor) -> BorderClient:
    """Revoke a client's key: every request with it is refused from the moment this commits.

    An entry point. Raises `NotFound` (`client_not_found`) and `Conflict`
    (`client_revoked`) for a client revoked already.
    """
    with transaction.atomic(durable=True):
        client = BorderClient.objects.select_for_update().filter(name=name.strip().lower()).first()
        if client is None:
            raise NotFound(f"there is no client {name}", code="client_not_found", field="name")
        if client.revoked_at is not None:
            raise Conflict(
                f"client {client.name} was revoked on {client.revoked_at:%Y-%m-%d}",
                code="client_revoked",
                field="name",
            )
        client.revoked_at = clock.now()
        client.revoked_by = actor_name(actor)
        client.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            AuditAction.BORDER_CLIENT_REVOKED,
            subject=client,
            actor=actor,
            details={"client": client.name, "key_prefix": client.key_prefix},
        )
    return client


def border_client_refusal_record(*, client: BorderClient, reason: str, path: str) -> None:
    """Audit a refused use of a known client's key (revoked, or beyond its scopes).

    An entry point, called by the API's authentication before it answers 401 or 403.
    """
    with transaction.atomic(durable=True):
        audit_record(
            AuditAction.BORDER_CLIENT_REFUSED,
            subject=client,
            actor=f"border client {client.name}",
            details={
                "client": client.name,
                "key_prefix": client.key_prefix,
                "reason": reason,
                "path": path[:200],
            },
        )


def border_client_use_record(
    client: BorderClient, *, kind: RecordKind, details: dict[str, object], actor: Actor
) -> None:
    """Record a use of a client's key: when it was last used, and an audit entry with what
    the request did (`details`). A step: runs inside the caller's transaction (the write the
    request made), so a use is recorded with what it changed."""
    with within_caller_transaction("border_client_use_record"):
        client.last_used_at = clock.now()
        client.save(update_fields=["last_used_at"])
        audit_record(
            AuditAction.BORDER_CLIENT_USED,
            subject=client,
            actor=actor,
            details={
                "client": client.name,
                "key_prefix": client.key_prefix,
                "kind": kind.value,
                **details,
            },
        )


def _scopes(scopes: list[str]) -> list[str]:
    allowed = {kind.value for kind in RecordKind}
    kinds = sorted({scope.strip().lower() for scope in scopes if scope.strip()})
    if not kinds:
        raise InvalidInput(
            "name what the client may send: " + ", ".join(sorted(allowed)),
            code="required",
            field="scopes",
        )
    unknown = [kind for kind in kinds if kind not in allowed]
    if unknown:
        raise InvalidInput(
            f"unknown scope {unknown[0]!r}: one of " + ", ".join(sorted(allowed)),
            code="scope_unknown",
            field="scopes",
        )
    return kinds
