"""The back office writes through services: no admin module saves, updates, creates or
deletes a model itself, nor sets who made a change (the services record that)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "credit", "complaints", "incentives", "zhouqu_jiazheng")
WRITE = re.compile(
    r"\.(save|delete|update|create|get_or_create|update_or_create|bulk_create|bulk_update)\("
    r"|_history_user"
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
