from django.apps import AppConfig


class BorderConfig(AppConfig):
    name = "visabond.border"
    label = "border"
