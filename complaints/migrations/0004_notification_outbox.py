from django.db import migrations, models


class Migration(migrations.Migration):
    """Notification becomes a core.outbox row: same table and columns, the status column
    as wide as the other outboxes'."""

    dependencies = [
        ("complaints", "0003_servicereview_to_reviews"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[("pending", "待发送"), ("sent", "已发送"), ("failed", "发送失败")],
                db_index=True,
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
    ]
