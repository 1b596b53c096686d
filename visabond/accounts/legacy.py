"""Adopting the user table of a database created before `accounts.User` existed.

Such a database holds its people in Django's `auth_user` table, created by the `auth`
app's migrations, and its `policy` and `admin` migrations were applied against `auth.User`.
`accounts.0001_initial` describes that same table column for column, so on such a database
it is recorded as applied rather than run: the users keep their ids, password hashes and
groups (roles), and every foreign key to them stays valid. Django's documented way to move
to a custom user model mid-project is this one (record the new app's first migration by
hand); `visabond migrate` does it before migrating, so an operator has nothing to do.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from visabond.core import clock

ADOPTED = ("accounts", "0001_initial")
# The columns auth.User had when accounts.User took over its table (Django 5.2).
AUTH_USER_COLUMNS = {
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
}


def adopt_auth_user_table(connection: BaseDatabaseWrapper) -> bool:
    """Record `accounts.0001_initial` as applied when `auth_user` was made by the auth app.

    Returns whether it did. Raises `RuntimeError` when the table exists but is not the
    one `auth.User` made (a column missing), since adopting it would then lose data.
    """
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "auth_user" not in tables:
            return False
        if ADOPTED in recorder.applied_migrations():
            return False
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "auth_user")
        }
    missing = AUTH_USER_COLUMNS - columns
    if missing:
        raise RuntimeError(
            f"auth_user lacks {', '.join(sorted(missing))}: it is not Django's user table, "
            "and accounts.User cannot adopt it"
        )
    recorder.migration_qs.create(app=ADOPTED[0], name=ADOPTED[1], applied=clock.now())
    return True
