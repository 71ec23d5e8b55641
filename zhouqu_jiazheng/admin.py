from django.contrib import admin

from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "pings"]
    readonly_fields = ["hostname", "last_seen", "pings"]

    def has_add_permission(self, request) -> bool:
        return False
