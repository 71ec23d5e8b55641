from django.db import migrations


class Migration(migrations.Migration):
    """Article (and its history) now belongs to the `articles` app: forgotten here, created
    there on the same tables (articles.0001_initial); no database operation."""

    dependencies = [
        ("zhouqu_jiazheng", "0002_publicity_and_annual_report"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalArticle"),
                migrations.DeleteModel(name="Article"),
            ],
        ),
    ]
