"""Encoding processes: status, per-job progress, timings, the ffmpeg command, logs; retry and cancel."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from media_platform.models import EncodingJob, EncodingProcess
from media_platform.selectors.admin import parse_ids, process_progress
from media_platform.services.pipeline import encoding_process_cancel, encoding_process_retry
from media_platform.services.pipeline.control import RETRYABLE

from .display import badge, bar, elapsed, process_state
from .video_actions import plural
from .video_inlines import ReadOnlyInline


def stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def timings(obj) -> dict:
    return {
        "created": stamp(obj.created_at),
        "started": stamp(obj.started_at),
        "finished": stamp(obj.finished_at),
        "took": elapsed(obj.started_at, obj.finished_at),
    }


class JobInline(ReadOnlyInline):
    model = EncodingJob
    fields = ("index", "kind", "status_badge", "progress_bar", "started_at", "finished_at", "took", "error_message")
    readonly_fields = fields

    @admin.display(description="Status")
    def status_badge(self, obj):
        return badge("job", obj.pk, process_state(obj.status, obj.progress))

    @admin.display(description="Progress")
    def progress_bar(self, obj):
        return bar("job", obj.pk, process_state(obj.status, obj.progress), always=True)

    @admin.display(description="Took")
    def took(self, obj):
        return elapsed(obj.started_at, obj.finished_at)


@admin.action(description="Retry selected processes", permissions=["change"])
def retry_processes(modeladmin, request, queryset):
    retried = skipped = 0
    for process in queryset:
        if process.status in RETRYABLE:
            encoding_process_retry(process=process)
            retried += 1
        else:
            skipped += 1
    text = f"Queued {plural(retried, 'process', 'processes')} again."
    if skipped:
        text += f" Skipped {skipped} that had not failed or been cancelled."
    modeladmin.message_user(request, text, messages.SUCCESS if retried else messages.WARNING)


@admin.action(description="Cancel selected processes", permissions=["change"])
def cancel_processes(modeladmin, request, queryset):
    cancelled = skipped = 0
    for process in queryset:
        if process.is_active:
            encoding_process_cancel(process=process)
            cancelled += 1
        else:
            skipped += 1
    text = f"Cancelled {plural(cancelled, 'process', 'processes')}; a running one stops within a second or two."
    if skipped:
        text += f" Skipped {skipped} already done."
    modeladmin.message_user(request, text, messages.SUCCESS if cancelled else messages.WARNING)


@admin.register(EncodingProcess)
class EncodingProcessAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "video_link",
        "library",
        "dialect",
        "status_badge",
        "progress_bar",
        "created_at",
        "took",
    )
    list_filter = ("status", "dialect", "priority", "library")
    list_select_related = ("library", "video")
    search_fields = ("=public_id", "video__title", "=rq_job_id")
    actions = [retry_processes, cancel_processes]
    inlines = [JobInline]
    change_form_template = "admin/media_platform/encodingprocess/change_form.html"
    change_list_template = "admin/media_platform/encodingprocess/change_list.html"
    fieldsets = [
        (None, {"fields": ("public_id", "video_link", "library", "dialect", "priority", "state", "timing_table")}),
        ("What ran", {"fields": ("command_block", "fail_block", "log_block", "error_code", "attempts", "worker_name")}),
        (
            "Request",
            {"fields": ("source", "destination", "recipe", "request", "client_metadata"), "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("library", "video")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a process is cancelled, not deleted: its rows are the history

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    @admin.display(description="Video")
    def video_link(self, obj):
        if obj.video_id is None:
            return "—"
        url = reverse("admin:media_platform_video_change", args=[obj.video_id])
        return format_html('<a href="{}">{}</a>', url, obj.video.title)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return badge("process", obj.pk, process_state(obj.status, obj.progress))

    @admin.display(description="Progress", ordering="progress")
    def progress_bar(self, obj):
        return bar("process", obj.pk, process_state(obj.status, obj.progress), always=True)

    @admin.display(description="Took")
    def took(self, obj):
        return elapsed(obj.started_at, obj.finished_at)

    @admin.display(description="Status")
    def state(self, obj):
        state = process_state(obj.status, obj.progress)
        return format_html("{} {}", badge("process", obj.pk, state), bar("process", obj.pk, state, always=True))

    @admin.display(description="Timings")
    def timing_table(self, obj):
        values = timings(obj)
        return format_html(
            'queued <span data-mp-text="process:{0}:created">{1}</span> → started '
            '<span data-mp-text="process:{0}:started">{2}</span> → finished '
            '<span data-mp-text="process:{0}:finished">{3}</span> (took '
            '<span data-mp-text="process:{0}:took">{4}</span>)',
            obj.pk,
            values["created"],
            values["started"],
            values["finished"],
            values["took"],
        )

    @admin.display(description="ffmpeg command")
    def command_block(self, obj):
        return format_html('<pre class="mp-pre mp-command">{}</pre>', obj.command or "(not run yet)")

    @admin.display(description="Fail message")
    def fail_block(self, obj):
        return format_html(
            '<pre class="mp-pre mp-fail" data-mp-text="process:{}:fail">{}</pre>', obj.pk, obj.fail_message or "—"
        )

    @admin.display(description="Log tail")
    def log_block(self, obj):
        return format_html('<pre class="mp-pre mp-log">{}</pre>', obj.log_tail or "—")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("progress/", wrap(self.progress_view), name="media_platform_encodingprocess_progress"),
            path("<int:pk>/retry/", wrap(require_POST(self.retry_view)), name="media_platform_encodingprocess_retry"),
            path(
                "<int:pk>/cancel/", wrap(require_POST(self.cancel_view)), name="media_platform_encodingprocess_cancel"
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request):
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        processes, jobs = {}, {}
        for process in process_progress(ids=parse_ids(request.GET.get("ids"))):
            state = process_state(process.status, process.progress)
            state["fields"] = {**timings(process), "fail": process.fail_message or "—"}
            processes[str(process.pk)] = state
            for job in process.jobs.all():
                jobs[str(job.pk)] = process_state(job.status, job.progress)
        return JsonResponse({"process": processes, "job": jobs})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def retry_view(self, request, pk):
        process = get_object_or_404(EncodingProcess, pk=pk)
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        if process.status not in RETRYABLE:
            self.message_user(
                request, f"Process {process.public_id} is {process.status}: nothing to retry.", messages.WARNING
            )
        else:
            attempt = encoding_process_retry(process=process)
            self.message_user(request, f"Process {process.public_id} queued again (generation {attempt}).")
        return redirect("admin:media_platform_encodingprocess_change", pk)

    def cancel_view(self, request, pk):
        process = get_object_or_404(EncodingProcess, pk=pk)
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        if not process.is_active:
            self.message_user(request, f"Process {process.public_id} is already {process.status}.", messages.WARNING)
        else:
            encoding_process_cancel(process=process)
            self.message_user(request, f"Process {process.public_id} cancelled.")
        return redirect("admin:media_platform_encodingprocess_change", pk)
