from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "visabond.demo"
    label = "demo"
    verbose_name = "Demonstration data (never in production)"
