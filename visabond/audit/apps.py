from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "visabond.audit"
    label = "audit"
