"""The audit log: one line on the `zhouqu.audit` logger for each staff action.

What the database keeps (django-simple-history rows, the admin's LogEntry, the reveals of
personal data) is also written to the log as it happens, so the retained log files (≥ 6
months, README "Logs and audit") hold the trail even if rows are later changed. A line
names the user by id, the object by model and primary key, and never carries field
values, names or numbers; `manage.py export_audit` gives the full records for a period.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save

from .client_ip import client_ip

logger = logging.getLogger("zhouqu.audit")

HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ADMIN_ACTIONS = {1: "added", 2: "changed", 3: "deleted"}


def _model(content_type_id: int | None) -> str | None:
    """ "app_label.model" from ContentType's cache: a log line costs no query."""
    if content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _log(event: str, **fields) -> None:
    logger.info(event, extra={"event": event, **fields})


def history_recorded(sender, instance, history_instance, **kwargs) -> None:
    _log(
        "history",
        action=HISTORY_ACTIONS.get(history_instance.history_type, history_instance.history_type),
        model=instance._meta.label_lower,
        object_id=instance.pk,
        user_id=history_instance.history_user_id,
        history_id=history_instance.pk,
    )


def admin_entry_saved(sender, instance, created, **kwargs) -> None:
    if created:
        _log(
            "admin",
            action=ADMIN_ACTIONS.get(instance.action_flag, instance.action_flag),
            model=_model(instance.content_type_id),
            object_id=instance.object_id,
            user_id=instance.user_id,
        )


def personal_data_revealed(sender, instance, created, **kwargs) -> None:
    if created:
        _log(
            "personal_data_reveal",
            model=_model(instance.content_type_id),
            object_id=instance.object_id,
            field=instance.field,
            user_id=instance.user_id,
            client_ip=instance.ip_address,
        )


def logged_in(sender, request, user, **kwargs) -> None:
    _log("login", user_id=user.pk, client_ip=client_ip(request) if request else None)


def logged_out(sender, request, user, **kwargs) -> None:
    _log(
        "logout",
        user_id=getattr(user, "pk", None),
        client_ip=client_ip(request) if request else None,
    )


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username typed may be a mobile number: never logged.
    _log("login_failed", client_ip=client_ip(request) if request else None)


def connect() -> None:
    from simple_history.signals import post_create_historical_record

    post_create_historical_record.connect(history_recorded, dispatch_uid="audit-log-history")
    post_save.connect(admin_entry_saved, sender="admin.LogEntry", dispatch_uid="audit-log-admin")
    post_save.connect(
        personal_data_revealed,
        sender="registry.PersonalDataAccess",
        dispatch_uid="audit-log-reveal",
    )
    user_logged_in.connect(logged_in, dispatch_uid="audit-log-login")
    user_logged_out.connect(logged_out, dispatch_uid="audit-log-logout")
    user_login_failed.connect(login_failed, dispatch_uid="audit-log-login-failed")
