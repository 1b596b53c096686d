from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "visabond.portal"
    label = "portal"
    verbose_name = "The applicant's portal"
