"""The bureau's staff roles and the permissions each holds.

The groups themselves are created by a data migration; their permissions are synchronised
from `ROLE_PERMISSIONS` after every `migrate`, so a model added by a later migration is
granted to the right roles without another hand-written migration.

Each entry maps an app label to the permission actions the role holds on every model of
that app, or to a dict of model name → actions for finer grants. Extra single
permissions (custom ones such as revealing an ID number) are listed as
"app_label.codename" in `ROLE_EXTRA_PERMISSIONS`.
"""

from django.apps import apps as global_apps
from django.db import transaction

SYSTEM_ADMIN = "系统管理员"
CREDIT_OFFICER = "信用管理员"
COMPLAINT_OFFICER = "投诉受理员"
LEADER = "领导"

ROLES = (SYSTEM_ADMIN, CREDIT_OFFICER, COMPLAINT_OFFICER, LEADER)

ALL = ("view", "add", "change", "delete")
READ = ("view",)
PROJECT_APPS = (
    "zhouqu_jiazheng",
    "articles",
    "registry",
    "credit",
    "complaints",
    "reviews",
    "incentives",
    "agreements",
    "inspections",
    "programme",
    "portal",
    "reporting",
)

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]]] = {
    SYSTEM_ADMIN: {
        **dict.fromkeys(PROJECT_APPS, ALL),
        "auth": {"user": ALL, "group": READ},
        "django_celery_beat": ALL,
    },
    CREDIT_OFFICER: {
        "registry": ALL,
        "portal": ALL,
        "credit": ALL,
        "incentives": ALL,
        "agreements": ALL,
        "inspections": ALL,
        "complaints": READ,
        "reviews": READ,
        # Publicity articles, and the annual report: starting one is "add".
        "articles": {"article": ALL},
        "reporting": {"annualreport": ("view", "add")},
        # The year's work plan and self-inspections: the credit office keeps them.
        "programme": ALL,
    },
    COMPLAINT_OFFICER: {
        "complaints": ALL,
        "reviews": ALL,
        "registry": READ,
        "portal": READ,
        "credit": READ,
        # Complaints name agreements: the case officer reads the agreement.
        "agreements": READ,
        # Owners of plan tasks and self-inspections too: they note progress and fill them in.
        "programme": {
            "workplan": READ,
            "planphase": READ,
            "checklistitem": READ,
            "taskreminder": READ,
            "plantask": ("view", "change"),
            "tasknote": ("view", "add"),
            "selfinspection": ("view", "add", "change"),
            "inspectionitem": ("view", "change"),
        },
    },
    # Leaders read everything the programme holds and change nothing.
    LEADER: dict.fromkeys(PROJECT_APPS, READ),
}

ROLE_EXTRA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Health certificates and background checks: only the roles that keep the registers.
    # Full personal mobile numbers: the roles that keep the registers call people back.
    SYSTEM_ADMIN: (
        "registry.view_sensitive_records",
        "registry.reveal_id_number",
        "registry.reveal_mobile",
        # The audit trail for a period (README, Logs and audit); auditors get it alone.
        "reporting.export_audit",
    ),
    CREDIT_OFFICER: ("registry.view_sensitive_records", "registry.reveal_mobile"),
}


def _codenames_for(app_label: str, grant, apps) -> set[str]:
    try:
        app_config = apps.get_app_config(app_label)
    except LookupError:
        return set()
    codenames: set[str] = set()
    for model in app_config.get_models():
        model_name = model._meta.model_name
        actions = grant.get(model_name, ()) if isinstance(grant, dict) else grant
        codenames.update(f"{action}_{model_name}" for action in actions)
    return codenames


@transaction.atomic
def roles_sync(apps=global_apps) -> dict[str, int]:
    """Give every role exactly the permissions declared above; returns counts per role."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counts: dict[str, int] = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted_ids: set[int] = set()
        for app_label, grant in ROLE_PERMISSIONS.get(role, {}).items():
            codenames = _codenames_for(app_label, grant, apps)
            wanted_ids.update(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                ).values_list("id", flat=True)
            )
        for dotted in ROLE_EXTRA_PERMISSIONS.get(role, ()):
            app_label, codename = dotted.split(".", 1)
            wanted_ids.update(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).values_list("id", flat=True)
            )
        group.permissions.set(wanted_ids)
        counts[role] = len(wanted_ids)
    return counts


def roles_sync_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    # post_migrate fires once per installed app that has a models module, in order, and
    # contrib.auth creates each app's permissions in its own handler: sync once, after the
    # last of them.
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if app_config is None or app_config.label != with_models[-1].label:
        return
    roles_sync()
