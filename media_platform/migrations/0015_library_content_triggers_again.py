# Triggers written by hand.
#
# On SQLite, 0010 added a column to the library table by rebuilding the table, and a rebuilt
# table has no triggers: since then a change to a library was not counted in its content version.
# This puts the library's triggers (0009's) back. PostgreSQL adds columns in place; its triggers
# never went away.

import importlib

from django.db import migrations

content_version = importlib.import_module("media_platform.migrations.0009_library_content_version")
TABLE = "media_platform_library"


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in content_version._sqlite(TABLE, *content_version.WATCHED[TABLE]):
        name = statement.split()[2]  # CREATE TRIGGER <name> …
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("media_platform", "0014_playback_plan_no_lead"),
    ]

    operations = [
        migrations.RunPython(recreate, migrations.RunPython.noop),
    ]
