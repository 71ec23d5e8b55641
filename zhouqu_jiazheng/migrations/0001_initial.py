from django.db import migrations, models


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("系统管理员", "信用管理员", "投诉受理员", "领导"):
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=("系统管理员", "信用管理员", "投诉受理员", "领导")).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hostname", models.CharField(max_length=200, unique=True, verbose_name="主机")),
                ("last_seen", models.DateTimeField(verbose_name="最近心跳")),
                ("pings", models.PositiveBigIntegerField(default=0, verbose_name="心跳次数")),
            ],
            options={"verbose_name": "任务进程心跳", "verbose_name_plural": "任务进程心跳"},
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
