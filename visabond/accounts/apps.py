from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "visabond.accounts"
    label = "accounts"
    # The user table predates this app (Django's auth_user, integer keys): keep its key type.
    default_auto_field = "django.db.models.AutoField"
