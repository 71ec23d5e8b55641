"""PortalAccount now lives in the `portal` app (portal's 0001 takes over its tables and
content types); only Django's state changes here, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_protect_personal_mobiles"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalPortalAccount"),
                migrations.DeleteModel(name="PortalAccount"),
            ],
            database_operations=[],
        ),
    ]
