from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "visabond.policy"
    label = "policy"
