# Joins the one-unfinished-run constraint and the minimum registration period.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0007_ratingrun_one_unfinished_per_year'),
        ('credit', '0007_standard_min_registered_months_rating_not_graded'),
    ]

    operations = [
    ]
