from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "visabond.accounts"
    label = "accounts"
