from django.apps import AppConfig


class AdjudicationConfig(AppConfig):
    name = "visabond.adjudication"
    label = "adjudication"
