from django.db import migrations

from core.search_indexes import UPPER, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_complaint_language"),
    ]

    operations = [
        # The admin's `=tracking_number` search (UPPER(tracking_number) = UPPER(term)).
        migrations.RunPython(
            *search_indexes(
                (
                    "complaints_complaint_tracking_number_upper",
                    "complaints_complaint",
                    "tracking_number",
                    UPPER,
                )
            )
        ),
    ]
