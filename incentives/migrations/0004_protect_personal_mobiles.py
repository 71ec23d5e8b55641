"""Residents' mobile numbers and the contact phones of support applications are stored
protected: encrypted, with a keyed hash for look-ups and a masked copy for display.
Existing numbers are converted and the plaintext columns dropped, in the history tables
too (which keep the masked number only). SMS codes keep the hash and the masked number of
the mobile they are sent to, and the number encrypted only until their message is sent."""

from django.db import migrations, models

from core import personal_data
from core.validators import clean_mobile, clean_phone

COLUMNS = [
    ("resident", "mobile", "mobile", clean_mobile),
    ("supportapplication", "contact_phone", "contact_phone", clean_phone),
]


def protect(apps, schema_editor):
    for model_name, old, field, clean in COLUMNS:
        personal_data.phones_protect_stored(apps, "incentives", model_name, old, field, clean)


def protect_codes(apps, schema_editor):
    VerificationCode = apps.get_model("incentives", "VerificationCode")
    codes = list(VerificationCode.objects.only("pk", "mobile", "delivery"))
    for code in codes:
        code.mobile_hash = personal_data.phone_hash(code.mobile)
        code.mobile_masked = personal_data.phone_mask(code.mobile)
        # A message still waiting in the outbox needs its number to be delivered.
        code.mobile_encrypted = (
            personal_data.encrypt(code.mobile) if code.delivery == "pending" and code.mobile else ""
        )
    VerificationCode.objects.bulk_update(
        codes, ["mobile_hash", "mobile_masked", "mobile_encrypted"], batch_size=2000
    )


def restore(apps, schema_editor):
    for model_name, old, field, _clean in COLUMNS:
        personal_data.phones_restore_stored(apps, "incentives", model_name, old, field)


def _protected(model_name: str, prefix: str, label: str, masked_length: int):
    fields = [
        (f"{prefix}_encrypted", models.TextField(f"{label}（密文）", default="", editable=False)),
        (f"{prefix}_hash", models.CharField(f"{label}索引", max_length=64, default="", editable=False)),
        (f"{prefix}_masked", models.CharField(label, max_length=masked_length, default="", editable=False)),
    ]  # fmt: skip
    return [
        migrations.AddField(model_name=model_name, name=name, field=field, preserve_default=False)
        for name, field in fields
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("incentives", "0003_verification_code_outbox"),
        ("registry", "0007_protect_personal_mobiles"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="resident", name="incentives_resident_mobile_last4"),
        *_protected("resident", "mobile", "手机号码", 11),
        migrations.AddField(
            model_name="historicalresident",
            name="mobile_masked",
            field=models.CharField("手机号码", max_length=11, default="", editable=False),
            preserve_default=False,
        ),
        *_protected("supportapplication", "contact_phone", "联系电话", 12),
        migrations.AddField(
            model_name="historicalsupportapplication",
            name="contact_phone_masked",
            field=models.CharField("联系电话", max_length=12, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="mobile_hash",
            field=models.CharField("手机号码索引", max_length=64, db_index=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="mobile_masked",
            field=models.CharField("手机号码", max_length=11, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationcode",
            name="mobile_encrypted",
            field=models.TextField("手机号码（加密，发送后清除）", blank=True, editable=False),
        ),
        migrations.RunPython(protect, restore, elidable=False),
        # Codes live ten minutes: the ones in flight are converted, nothing is restored.
        migrations.RunPython(protect_codes, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="verificationcode", name="mobile"),
        migrations.RemoveField(model_name="resident", name="mobile"),
        migrations.RemoveField(model_name="historicalresident", name="mobile"),
        migrations.RemoveField(model_name="supportapplication", name="contact_phone"),
        migrations.RemoveField(model_name="historicalsupportapplication", name="contact_phone"),
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.UniqueConstraint(
                fields=("mobile_hash", "id_last4"),
                name="incentives_resident_mobile_last4",
                violation_error_message="已有居民使用此手机号且身份证后四位相同，请换一个联系手机。",
            ),
        ),
    ]
