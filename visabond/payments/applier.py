"""The inbox applied continuously: `visabond payments apply --follow`, beside the web workers.

`visabond serve` starts it as a child process (docs/payments.md, "The inbox, and who
applies it"). It is a loop over the entry point `inbox_services.webhook_inbox_apply`, which
waits for the applier's turn; requests only try that turn, so under load they answer 202 at
once and the batches grow with the backlog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection

from visabond.audit.actors import Actor
from visabond.payments.inbox_services import BATCH, PROVIDER, webhook_inbox_apply
from visabond.payments.models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)


def inbox_follow(
    *,
    stop: Callable[[], bool],
    interval: float = 0.05,
    limit: int = BATCH,
    actor: Actor = PROVIDER,
) -> int:
    """Apply the inbox continuously until `stop()` is true; the number of messages applied.

    Batch after batch while messages are pending (each one `webhook_inbox_apply`'s own
    transaction, up to `limit` messages), then a look every `interval` seconds (one read)
    when the inbox is empty. Messages whose application failed are left to the catch-up
    (`visabond payments apply`). A database error is logged and the loop goes on after a
    second: nothing is lost, the messages stay pending.
    """
    applied = 0
    while not stop():
        try:
            if not _pending():
                time.sleep(interval)
                continue
            run = webhook_inbox_apply(limit=limit, actor=actor)
        except Exception:
            # Nothing is lost (the messages stay pending); the database may be restarting.
            logger.exception("the inbox's applier failed: trying again")
            connection.close()
            time.sleep(1.0)
            continue
        applied += len(run.answers)
    return applied


def _pending() -> bool:
    """Whether a message waits to be applied (one read, no lock: SQLite's write lock is
    taken only when there is something to apply)."""
    return WebhookDelivery.objects.filter(state=DeliveryState.PENDING, apply_error="").exists()
