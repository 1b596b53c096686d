from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "visabond.stats"
    label = "stats"
