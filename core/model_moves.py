"""Moving a model to another app without touching its table: the migration that creates it
in the new app (inside `SeparateDatabaseAndState`) also moves its content type, so its
permissions, the groups holding them and the admin log follow it."""

from django.db import migrations


def content_types_move(old_app: str, new_app: str, models: tuple[str, ...]):
    """A `RunPython` operation relabelling the content types of `models` (model names in
    lower case) from `old_app` to `new_app`, and back when migrating backwards. A content
    type already created under the new label (by a `migrate` run in between) is left alone."""

    def relabel(apps, old: str, new: str) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=new, model=model).exists():
                ContentType.objects.filter(app_label=old, model=model).update(app_label=new)

    def forward(apps, schema_editor):
        relabel(apps, old_app, new_app)

    def backward(apps, schema_editor):
        relabel(apps, new_app, old_app)

    return migrations.RunPython(forward, backward)
