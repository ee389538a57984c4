"""Videos: a changelist that stays fast at any size, the query box, actions, and a video page
with a player, messages, outputs and history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from media_platform.models import Collection, Video
from media_platform.selectors.admin import (
    parse_ids,
    video_admin_list,
    video_progress,
    video_published_outputs,
)
from media_platform.selectors.playback import playback_state
from media_platform.services import videos as video_services
from media_platform.services.videos import OriginalMissing, video_delete, video_reencode, video_update

from . import video_bulk
from .display import badge, bar, duration, size, video_state
from .video_actions import recompute_videos, reencode_videos
from .video_filters import HasErrorsFilter, UploadedRangeFilter
from .video_inlines import ProcessHistoryInline, TranscodingMessageInline
from .video_query import EXAMPLES, QUERY_VAR, QueryChangeList, read_query

# Deleting only the outputs needs a service the video services do not have yet (see the report).
video_outputs_delete = video_services.video_outputs_delete


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "title",
        "library",
        "collection",
        "status_column",
        "length_column",
        "resolutions_column",
        "size_column",
        "date_uploaded",
    )
    list_display_links = ("thumbnail", "title")
    list_select_related = ("library", "collection")
    list_filter = ("library", "collection", "status", HasErrorsFilter, ("date_uploaded", UploadedRangeFilter))
    search_fields = ("title",)
    search_help_text = "Title contains, or an exact video GUID."
    list_per_page = 50
    actions = [reencode_videos, recompute_videos]
    inlines = [TranscodingMessageInline, ProcessHistoryInline]
    fields = ("title", "collection", "playback", "playable", "facts", "original")
    readonly_fields = ("playback", "playable", "facts", "original")
    change_list_template = "admin/media_platform/video/change_list.html"
    change_form_template = "admin/media_platform/video/change_form.html"

    # --- queryset, search, query box ------------------------------------------------------
    def get_queryset(self, request):
        return video_admin_list()

    def get_changelist(self, request, **kwargs):
        return QueryChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(title__icontains=term)
        try:
            condition |= Q(guid=uuid.UUID(term))
        except ValueError:
            pass
        return queryset.filter(condition), False

    def changelist_view(self, request, extra_context=None):
        request.mp_query = read_query(request.GET)
        context = {
            "mp_query": request.mp_query,
            "mp_query_var": QUERY_VAR,
            "mp_query_examples": EXAMPLES,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    # --- changelist columns ---------------------------------------------------------------
    @admin.display(description="")
    def thumbnail(self, obj):
        if not (obj.outputs_prefix or obj.thumbnail_file_name):
            return format_html('<span class="mp-thumb mp-thumb-empty" title="{}"></span>', "No outputs yet")
        name = obj.thumbnail_file_name or "thumbnail.jpg"
        url = reverse("playback-file", args=[obj.guid, name])
        return format_html('<img class="mp-thumb" src="{}" alt="" loading="lazy" width="96" height="54">', url)

    @admin.display(description="Status", ordering="status")
    def status_column(self, obj):
        state = video_state(obj.status, obj.encode_progress)
        errors = mark_safe(' <span class="mp-errors" title="Has errors">!</span>') if obj.has_errors else ""
        return format_html("{}{}{}", badge("video", obj.pk, state), errors, bar("video", obj.pk, state))

    @admin.display(description="Duration", ordering="length")
    def length_column(self, obj):
        return duration(obj.length)

    @admin.display(description="Resolutions")
    def resolutions_column(self, obj):
        return ", ".join(obj.resolutions) or "—"

    @admin.display(description="Size", ordering="storage_size")
    def size_column(self, obj):
        return size(obj.storage_size)

    # --- the video page -------------------------------------------------------------------
    def has_add_permission(self, request):
        return False  # videos come in through the APIs (upload, fetch)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "collection" in form.base_fields:
            form.base_fields["collection"].queryset = Collection.objects.filter(library_id=obj.library_id)
        return form

    def save_model(self, request, obj, form, change):
        video_update(video=obj, title=form.cleaned_data["title"], collection=form.cleaned_data["collection"])

    def delete_model(self, request, obj):
        video_delete(video=obj)

    def delete_queryset(self, request, queryset):
        for video in queryset:
            video_delete(video=video)

    @admin.display(description="Playback")
    def playback(self, obj):
        url = reverse("playback-file", args=[obj.guid, "playlist.m3u8"])
        return format_html('<a href="{}">{}{}</a>', url, settings.PUBLIC_BASE_URL, url)

    @admin.display(description="Playable now")
    def playable(self, obj):
        """Which renditions play, from what: the ladder, JIT (segments stored so far), the source."""
        state = playback_state(video=obj)
        if not state.renditions:
            return "Nothing yet: the first rendition appears when it is encoded."
        kinds = {"ladder": "ladder", "jit": "JIT", "copy": "source, remuxed"}
        parts = []
        for item in state.renditions:
            detail = f" · {item.stored}/{item.planned} segments stored" if item.planned is not None else ""
            parts.append(
                format_html('<li class="mp-playable-{}">{} — {}{}</li>', item.kind, item.name, kinds[item.kind], detail)
            )
        ladder = "done" if state.ladder_done else f"{state.ladder_progress}% encoded in the background"
        return format_html('<ul class="mp-playable">{}</ul>Ladder: {}', mark_safe("".join(parts)), ladder)

    @admin.display(description="Video")
    def facts(self, obj):
        state = video_state(obj.status, obj.encode_progress)
        return format_html(
            "{} {}<br>{} · {}×{} · {} fps · {} · outputs {}<br>GUID {} · library {}",
            badge("video", obj.pk, state),
            bar("video", obj.pk, state),
            duration(obj.length),
            obj.width,
            obj.height,
            obj.framerate,
            ", ".join(obj.resolutions) or "no renditions",
            size(obj.storage_size),
            obj.guid,
            obj.library,
        )

    @admin.display(description="Original")
    def original(self, obj):
        if not obj.has_original:
            return "None stored"
        return format_html("{} · SHA-256 {}", size(obj.original_size), obj.original_hash or "—")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        video = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if video is not None:
            context.update(
                mp_playlist_url=reverse("playback-file", args=[video.guid, "playlist.m3u8"]),
                mp_outputs=video_published_outputs(video=video),
                mp_can_delete_outputs=video_outputs_delete is not None,
                mp_has_outputs=bool(video.outputs_prefix),
            )
        return super().change_view(request, object_id, form_url, context)

    # --- extra URLs: buttons and the progress endpoint ---------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("progress/", wrap(self.progress_view), name="media_platform_video_progress"),
            path("bulk/", wrap(self.bulk_view), name="media_platform_video_bulk"),
            path("<int:pk>/reencode/", wrap(require_POST(self.reencode_view)), name="media_platform_video_reencode"),
            path(
                "<int:pk>/delete-outputs/",
                wrap(require_POST(self.delete_outputs_view)),
                name="media_platform_video_delete_outputs",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request):
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        rows = video_progress(ids=parse_ids(request.GET.get("ids")))
        return JsonResponse({"video": {str(r["pk"]): video_state(r["status"], r["encode_progress"]) for r in rows}})

    def bulk_view(self, request):
        return video_bulk.bulk_view(self, request)

    def reencode_view(self, request, pk):
        video = get_object_or_404(Video.objects.select_related("library"), pk=pk)
        if not self.has_change_permission(request, video):
            raise PermissionDenied
        try:
            process = video_reencode(video=video)
            self.message_user(request, f"Queued “{video}” for reencoding (process {process.public_id}).")
        except OriginalMissing:
            self.message_user(request, f"“{video}” has no original to encode from.", messages.ERROR)
        return redirect("admin:media_platform_video_change", pk)

    def delete_outputs_view(self, request, pk):
        video = get_object_or_404(Video, pk=pk)
        if video_outputs_delete is None or not self.has_delete_permission(request, video):
            self.message_user(request, "Deleting only the outputs is not available.", messages.ERROR)
        else:
            video_outputs_delete(video=video)
            self.message_user(request, f"The outputs of “{video}” will be deleted.")
        return redirect("admin:media_platform_video_change", pk)
