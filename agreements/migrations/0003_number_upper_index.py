from django.db import migrations

from core.search_indexes import UPPER, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_default_template"),
    ]

    operations = [
        # The admin's `=number` search (UPPER(number) = UPPER(term)).
        migrations.RunPython(
            *search_indexes(
                (
                    "agreements_serviceagreement_number_upper",
                    "agreements_serviceagreement",
                    "number",
                    UPPER,
                )
            )
        ),
    ]
