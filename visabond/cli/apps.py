from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "visabond.cli"
    label = "cli"
    verbose_name = "Command line"
