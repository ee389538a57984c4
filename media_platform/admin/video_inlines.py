"""Read-only inlines of the video page: its transcoding messages and its encoding history."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from media_platform.engine.issues import IssueCode, Severity
from media_platform.models import EncodingProcess, TranscodingMessage

from .display import badge, bar, elapsed, process_state


class ReadOnlyInline(admin.TabularInline):
    classes = ("mp-inline",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TranscodingMessageInline(ReadOnlyInline):
    model = TranscodingMessage
    fk_name = "video"
    verbose_name = "transcoding message"
    fields = ("time_stamp", "level_name", "code_name", "message", "value")
    readonly_fields = fields
    ordering = ("-time_stamp", "-id")
    classes = ("mp-inline", "mp-messages")

    @admin.display(description="Level")
    def level_name(self, obj):
        try:
            name = Severity(obj.level).name.title()
        except ValueError:
            name = str(obj.level)
        return format_html('<span class="mp-level mp-level-{}">{} ({})</span>', obj.level, name, obj.level)

    @admin.display(description="Code")
    def code_name(self, obj):
        try:
            name = IssueCode(obj.issue_code).name.title().replace("_", "")
        except ValueError:
            name = "Unknown"
        return f"{name} ({obj.issue_code})"


class ProcessHistoryInline(ReadOnlyInline):
    model = EncodingProcess
    fk_name = "video"
    verbose_name = "encoding process"
    verbose_name_plural = "encoding history"
    fields = ("process_link", "dialect", "status_badge", "progress_bar", "created_at", "started_at", "took")
    readonly_fields = fields
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .only(
                "pk",
                "public_id",
                "video_id",
                "dialect",
                "status",
                "progress",
                "created_at",
                "started_at",
                "finished_at",
            )
        )

    @admin.display(description="Process")
    def process_link(self, obj):
        url = reverse("admin:media_platform_encodingprocess_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.public_id)

    @admin.display(description="Status")
    def status_badge(self, obj):
        return badge("process", obj.pk, process_state(obj.status, obj.progress))

    @admin.display(description="Progress")
    def progress_bar(self, obj):
        return bar("process", obj.pk, process_state(obj.status, obj.progress), always=True)

    @admin.display(description="Took")
    def took(self, obj):
        return elapsed(obj.started_at, obj.finished_at)
