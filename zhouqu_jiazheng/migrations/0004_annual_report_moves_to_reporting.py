from django.db import migrations


class Migration(migrations.Migration):
    """AnnualReport now belongs to the `reporting` app: forgotten here, created there on the
    same table (reporting.0001_initial); no database operation."""

    dependencies = [
        ("zhouqu_jiazheng", "0003_article_moves_to_articles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AnnualReport"),
            ],
        ),
    ]
