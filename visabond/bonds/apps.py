from django.apps import AppConfig


class BondsConfig(AppConfig):
    name = "visabond.bonds"
    label = "bonds"
