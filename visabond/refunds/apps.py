from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "visabond.refunds"
    label = "refunds"
