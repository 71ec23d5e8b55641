"""Personal mobile numbers of workers and portal accounts are stored like ID numbers:
encrypted, with a keyed hash for look-ups and a masked copy for display. Existing numbers
are converted and the plaintext columns dropped, in the history tables too (which keep the
masked number only)."""

from django.db import migrations, models

from core import personal_data
from core.validators import clean_mobile

COLUMNS = [("worker", "phone", "phone"), ("portalaccount", "mobile", "mobile")]


def protect(apps, schema_editor):
    for model_name, old, field in COLUMNS:
        personal_data.phones_protect_stored(
            apps, "registry", model_name, old, field, clean_mobile
        )


def restore(apps, schema_editor):
    for model_name, old, field in COLUMNS:
        personal_data.phones_restore_stored(apps, "registry", model_name, old, field)


def _protected(prefix: str, label: str, *, blank: bool):
    return [
        (f"{prefix}_encrypted", models.TextField(f"{label}（密文）", blank=blank, default="", editable=False)),
        (f"{prefix}_hash", models.CharField(f"{label}索引", max_length=64, blank=blank, db_index=blank, default="", editable=False)),
        (f"{prefix}_masked", models.CharField(label, max_length=11, blank=blank, default="", editable=False)),
    ]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_rate_limit_counter"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="worker",
            options={
                "ordering": ["name", "id"],
                "permissions": [
                    ("reveal_id_number", "查看完整身份证号"),
                    ("reveal_mobile", "查看完整手机号码"),
                ],
                "verbose_name": "从业人员",
                "verbose_name_plural": "从业人员",
            },
        ),
        *[
            migrations.AddField(model_name="worker", name=name, field=field, preserve_default=False)
            for name, field in _protected("phone", "手机号码", blank=True)
        ],
        migrations.AddField(
            model_name="historicalworker",
            name="phone_masked",
            field=models.CharField("手机号码", max_length=11, blank=True, default="", editable=False),
            preserve_default=False,
        ),
        *[
            migrations.AddField(
                model_name="portalaccount", name=name, field=field, preserve_default=False
            )
            for name, field in _protected("mobile", "手机号码", blank=False)
        ],
        migrations.AddField(
            model_name="historicalportalaccount",
            name="mobile_masked",
            field=models.CharField("手机号码", max_length=11, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(protect, restore, elidable=False),
        migrations.RemoveField(model_name="worker", name="phone"),
        migrations.RemoveField(model_name="historicalworker", name="phone"),
        migrations.RemoveField(model_name="portalaccount", name="mobile"),
        migrations.RemoveField(model_name="historicalportalaccount", name="mobile"),
        migrations.AlterField(
            model_name="portalaccount",
            name="mobile_hash",
            field=models.CharField("手机号码索引", max_length=64, unique=True, editable=False),
        ),
    ]
