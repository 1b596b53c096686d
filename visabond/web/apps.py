from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "visabond.web"
    label = "web"
