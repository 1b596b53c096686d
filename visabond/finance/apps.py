from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "visabond.finance"
    label = "finance"
