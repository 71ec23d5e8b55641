from django.db import migrations

from core.search_indexes import UPPER, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0016_rating_year_total_index"),
    ]

    operations = [
        # The admin's `=number` search (UPPER(number) = UPPER(term)).
        migrations.RunPython(
            *search_indexes(
                ("credit_creditreport_number_upper", "credit_creditreport", "number", UPPER)
            )
        ),
    ]
