# Reminders' emails become core.OutboundEmail rows (durable, retried, swept). Existing reminders
# keep their outcome on an email row without a body.

import django.db.models.deletion
from django.db import migrations, models

OUTCOME = {
    "SENT": ("done", ""),
    "FAILED": ("failed", None),
    # Before this version nothing retried these: the worker stopped mid-send.
    "SENDING": ("failed", "Interrupted before it was confirmed sent; it may not have arrived."),
}


def reminders_to_email_rows(apps, schema_editor):
    Reminder = apps.get_model("appointments", "Reminder")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for reminder in Reminder.objects.filter(email__isnull=True).iterator():
        status, error = OUTCOME[reminder.status]
        reminder.email = OutboundEmail.objects.create(
            purpose="reminder",
            message_id=f"<reminder-{reminder.pk}-before-outbound-email@stridewell.invalid>",
            to=reminder.recipient,
            from_email="",
            subject="Appointment reminder",
            status=status,
            created_at=reminder.claimed_at,
            run_after=reminder.claimed_at,
            attempts=1,
            last_error=(reminder.error if error is None else error)[:500],
            finished_at=reminder.sent_at or reminder.claimed_at,
        )
        reminder.save(update_fields=["email"])


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0005_readable_constraint_messages'),
        ('core', '0002_outbound_email'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reminder', to='core.outboundemail'),
        ),
        migrations.RunPython(reminders_to_email_rows, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='reminder',
            name='error',
        ),
        migrations.RemoveField(
            model_name='reminder',
            name='sent_at',
        ),
        migrations.RemoveField(
            model_name='reminder',
            name='status',
        ),
    ]
