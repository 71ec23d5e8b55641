from django.db import migrations


class Migration(migrations.Migration):
    """DocumentNotice becomes a core.outbox row: `delivered_at` is the outbox's `sent_at`."""

    dependencies = [
        ("registry", "0008_move_portal_account"),
    ]

    operations = [
        migrations.RenameField(
            model_name="documentnotice",
            old_name="delivered_at",
            new_name="sent_at",
        ),
    ]
