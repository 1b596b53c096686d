from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "visabond.ledger"
    label = "ledger"
