from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "visabond.casework"
    label = "casework"
