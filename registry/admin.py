from django.contrib import admin

from .models import Township


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["sort_order"]

from . import admin_ledger  # noqa: E402, F401 - registers the ledger import pages
