# Service reviews moved to the `reviews` app (reviews.0001_initial takes them over). Only
# Django's state changes here: the tables keep their names and their rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0002_complaintupdate_event_wording'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='servicereview',
                    name='enterprise',
                ),
                migrations.RemoveField(
                    model_name='servicereview',
                    name='service_category',
                ),
                migrations.RemoveField(
                    model_name='servicereview',
                    name='worker',
                ),
                migrations.DeleteModel(
                    name='HistoricalServiceReview',
                ),
                migrations.DeleteModel(
                    name='ServiceReview',
                ),
            ],
            database_operations=[],
        ),
    ]
