"""Bulk commands: a query's videos worked through by a worker; progress, errors, Abort."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from media_platform.models import BulkCommand
from media_platform.selectors.admin import parse_ids
from media_platform.services.bulk import bulk_command_abort

from .display import badge, bar, bulk_state, elapsed
from .processes import stamp
from .video_actions import plural


def state_of(command: BulkCommand) -> dict:
    state = bulk_state(command.state, command.processed, command.total)
    state["fields"] = {
        "counts": f"{command.processed} / {command.total}",
        "errors": str(command.error_count),
        "completed": stamp(command.completed),
        "took": elapsed(command.processing_start, command.processing_end),
    }
    return state


@admin.action(description="Abort selected bulk commands", permissions=["change"])
def abort_commands(modeladmin, request, queryset):
    aborted = 0
    for command in queryset:
        if not command.is_done:
            bulk_command_abort(command=command)
            aborted += 1
    modeladmin.message_user(
        request,
        f"Aborted {plural(aborted, 'bulk command')}; work already queued runs on, no further batch starts.",
        messages.SUCCESS if aborted else messages.WARNING,
    )


@admin.register(BulkCommand)
class BulkCommandAdmin(admin.ModelAdmin):
    list_display = ("command_id", "action", "state_badge", "progress", "counts", "error_count", "username", "submitted")
    list_filter = ("state", "action")
    search_fields = ("=command_id", "username", "query")
    actions = [abort_commands]
    change_form_template = "admin/media_platform/bulkcommand/change_form.html"
    change_list_template = "admin/media_platform/bulkcommand/change_list.html"
    fields = (
        "command_id",
        "action",
        "state_badge",
        "progress",
        "counts",
        "errors",
        "query_block",
        "params_block",
        "library",
        "username",
        "submitted",
        "timing",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # made from the video list's query box, the API or the CLI

    def has_delete_permission(self, request, obj=None):
        return False  # a command is aborted, not deleted: Nuxeo clients poll it by id

    @admin.display(description="State", ordering="state")
    def state_badge(self, obj):
        return badge("bulk", obj.pk, state_of(obj))

    @admin.display(description="Progress")
    def progress(self, obj):
        return bar("bulk", obj.pk, state_of(obj), always=True)

    @admin.display(description="Processed / total")
    def counts(self, obj):
        return format_html('<span data-mp-text="bulk:{}:counts">{} / {}</span>', obj.pk, obj.processed, obj.total)

    @admin.display(description="Errors")
    def errors(self, obj):
        return format_html(
            '<span data-mp-text="bulk:{}:errors">{}</span> {}', obj.pk, obj.error_count, obj.error_message or ""
        )

    @admin.display(description="Query")
    def query_block(self, obj):
        return format_html('<pre class="mp-pre">{}</pre>', obj.query)

    @admin.display(description="Parameters")
    def params_block(self, obj):
        return format_html('<pre class="mp-pre">{}</pre>', json.dumps(obj.params, indent=2, sort_keys=True))

    @admin.display(description="Timings")
    def timing(self, obj):
        return format_html(
            'submitted {} → scroll started {} → completed <span data-mp-text="bulk:{}:completed">{}</span> '
            '(took <span data-mp-text="bulk:{}:took">{}</span>)',
            stamp(obj.submitted),
            stamp(obj.scroll_start),
            obj.pk,
            stamp(obj.completed),
            obj.pk,
            elapsed(obj.processing_start, obj.processing_end),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("progress/", wrap(self.progress_view), name="media_platform_bulkcommand_progress"),
            path("<int:pk>/abort/", wrap(require_POST(self.abort_view)), name="media_platform_bulkcommand_abort"),
            *super().get_urls(),
        ]

    def progress_view(self, request):
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        commands = BulkCommand.objects.filter(pk__in=parse_ids(request.GET.get("ids")))
        return JsonResponse({"bulk": {str(command.pk): state_of(command) for command in commands}})

    def abort_view(self, request, pk):
        command = get_object_or_404(BulkCommand, pk=pk)
        if not self.has_change_permission(request, command):
            raise PermissionDenied
        if command.is_done:
            self.message_user(request, f"The command is already {command.state.lower()}.", messages.WARNING)
        else:
            bulk_command_abort(command=command)
            self.message_user(request, "Aborted: work already queued runs on, no further batch starts.")
        return redirect("admin:media_platform_bulkcommand_change", pk)
