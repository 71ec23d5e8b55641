from django.db import migrations

TOWNSHIPS = [
    ("城关镇", "town"), ("峰迭镇", "town"), ("大川镇", "town"), ("立节镇", "town"),
    ("东山镇", "town"), ("果耶镇", "town"), ("巴藏镇", "town"), ("憨班镇", "town"),
    ("江盘镇", "town"), ("曲告纳镇", "town"), ("博峪镇", "town"), ("拱坝镇", "town"),
    ("武坪镇", "town"), ("大峪镇", "town"), ("坪定镇", "town"), ("八楞乡", "township"),
    ("插岗乡", "township"), ("曲瓦乡", "township"), ("南峪乡", "township"),
]


def create_townships(apps, schema_editor):
    Township = apps.get_model("registry", "Township")
    for order, (name, kind) in enumerate(TOWNSHIPS, start=1):
        Township.objects.update_or_create(name=name, defaults={"kind": kind, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create_townships, migrations.RunPython.noop)]
