from django.db import migrations, models


class Migration(migrations.Migration):
    """A rating's inputs as comma-separated text rather than JSON (cheaper to write by the
    million). Inputs stored as JSON by 0003 are dropped: those ratings are re-rated."""

    dependencies = [
        ("credit", "0003_rating_inputs"),
    ]

    operations = [
        migrations.RemoveField(model_name="rating", name="inputs"),
        migrations.AddField(
            model_name="rating",
            name="inputs",
            field=models.TextField(blank=True, default="", verbose_name="评分输入值"),
        ),
    ]
