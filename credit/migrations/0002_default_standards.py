from django.db import migrations


def create(apps, schema_editor):
    from credit.standards_default import create_default_standards

    create_default_standards(
        apps.get_model("credit", "EvaluationStandard"),
        apps.get_model("credit", "Indicator"),
        apps.get_model("credit", "VetoRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
