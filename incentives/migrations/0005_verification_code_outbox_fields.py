from django.db import migrations, models


def count_past_sends(apps, schema_editor):
    """A code sent or failed before had its one sending attempt."""
    VerificationCode = apps.get_model("incentives", "VerificationCode")
    VerificationCode.objects.exclude(status="pending").update(attempts=1)


class Migration(migrations.Migration):
    """VerificationCode becomes a core.outbox row. Its columns keep their data under the
    outbox's names (delivery → status, delivered_at → sent_at, delivery_error →
    last_error); the count of wrong codes entered becomes `guesses`, and `attempts` now
    counts sending attempts like in every outbox."""

    dependencies = [
        ("incentives", "0004_protect_personal_mobiles"),
    ]

    operations = [
        migrations.RenameField(
            model_name="verificationcode",
            old_name="attempts",
            new_name="guesses",
        ),
        migrations.RenameField(
            model_name="verificationcode",
            old_name="delivery",
            new_name="status",
        ),
        migrations.RenameField(
            model_name="verificationcode",
            old_name="delivered_at",
            new_name="sent_at",
        ),
        migrations.RenameField(
            model_name="verificationcode",
            old_name="delivery_error",
            new_name="last_error",
        ),
        migrations.AlterField(
            model_name="verificationcode",
            name="status",
            field=models.CharField(
                choices=[("pending", "待发送"), ("sent", "已发送"), ("failed", "发送失败")],
                db_index=True,
                default="pending",
                max_length=10,
                verbose_name="短信状态",
            ),
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数"),
        ),
        migrations.RunPython(count_past_sends, migrations.RunPython.noop),
    ]
