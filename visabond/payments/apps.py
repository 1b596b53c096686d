from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "visabond.payments"
    label = "payments"
