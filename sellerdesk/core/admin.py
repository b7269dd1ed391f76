from typing import Any

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """The operator reads; changes go through the services, which write the events."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
