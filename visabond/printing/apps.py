from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "visabond.printing"
    label = "printing"
    verbose_name = "Printed documents: visa foils and bond notices"
