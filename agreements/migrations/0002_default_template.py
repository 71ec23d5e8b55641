"""Version 1 of the general agreement template (通用服务约定范本), so enterprises can issue
agreements from the first day; staff publish later versions and per-item templates."""

from django.db import migrations


def create(apps, schema_editor):
    from agreements.clauses_default import DEFAULT_CLAUSES, DEFAULT_TITLE

    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    if not AgreementTemplate.objects.filter(category__isnull=True).exists():
        AgreementTemplate.objects.create(
            category=None, version=1, title=DEFAULT_TITLE, clauses=DEFAULT_CLAUSES
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
