from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from .models import WorkerHeartbeat

# --- Third-party admins ----------------------------------------------------------------------


def _declaring(action, *permissions: str):
    """A third-party admin action, declaring the permission it needs so that only roles
    holding it are offered the action (and may post it)."""

    def declared(modeladmin, request, queryset):
        return action(modeladmin, request, queryset)

    declared.__name__ = action.__name__
    return admin.action(description=action.short_description, permissions=list(permissions))(
        declared
    )


class BeatPeriodicTaskAdmin(PeriodicTaskAdmin):
    enable_tasks = _declaring(PeriodicTaskAdmin.enable_tasks, "change")
    disable_tasks = _declaring(PeriodicTaskAdmin.disable_tasks, "change")
    toggle_tasks = _declaring(PeriodicTaskAdmin.toggle_tasks, "change")
    run_tasks = _declaring(PeriodicTaskAdmin.run_tasks, "change")


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, BeatPeriodicTaskAdmin)


class AxesAccessAttemptAdmin(AccessAttemptAdmin):
    cleanup_expired_attempts = _declaring(AccessAttemptAdmin.cleanup_expired_attempts, "delete")


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AxesAccessAttemptAdmin)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "pings"]
    readonly_fields = ["hostname", "last_seen", "pings"]

    def has_add_permission(self, request) -> bool:
        return False
