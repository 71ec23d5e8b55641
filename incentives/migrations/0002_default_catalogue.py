from django.db import migrations


def seed(apps, schema_editor):
    from incentives.catalogue_default import create_default_catalogue

    create_default_catalogue(
        apps.get_model("incentives", "SpecialGroup"),
        apps.get_model("incentives", "IncentiveMeasure"),
    )


class Migration(migrations.Migration):
    dependencies = [("incentives", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
