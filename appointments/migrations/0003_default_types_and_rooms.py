from django.db import migrations


def create_defaults(apps, schema_editor):
    from appointments.defaults import ensure_defaults

    ensure_defaults(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_no_overlap")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
