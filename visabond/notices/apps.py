from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "visabond.notices"
    label = "notices"
