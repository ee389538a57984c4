"""Video changelist actions. They queue work through services and say how much they queued;
the encoding itself runs on RQ workers, never in the request."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse

from media_platform.engine.ladder import DEFAULT_ENABLED, RUNGS
from media_platform.models import BulkCommand, EncodingProcess
from media_platform.services.bulk import recipe_for
from media_platform.services.bulk.start import bulk_processes_start
from media_platform.services.videos import OriginalMissing, video_reencode

# Larger selections go through a bulk command ("apply to everything the query matches"),
# which a worker walks; a request should not loop over tens of thousands of rows.
MAX_ACTION_VIDEOS = 1000
RUNG_CHOICES = [(name, name) for name in RUNGS]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def too_many(modeladmin, request, count: int) -> bool:
    if count <= MAX_ACTION_VIDEOS:
        return False
    modeladmin.message_user(
        request,
        f"{count} videos are selected; an action takes at most {MAX_ACTION_VIDEOS}. "
        "Use “Apply to everything the query matches”, which runs as a bulk command.",
        messages.ERROR,
    )
    return True


def report(modeladmin, request, verb: str, queued: int, skipped: int, reason: str) -> None:
    text = f"Queued {plural(queued, 'video')} for {verb}."
    if skipped:
        text += f" Skipped {skipped}: {reason}."
    modeladmin.message_user(request, text, messages.SUCCESS if queued else messages.WARNING)


@admin.action(description="Reencode selected videos", permissions=["change"])
def reencode_videos(modeladmin, request, queryset):
    if too_many(modeladmin, request, queryset.count()):
        return None
    queued = skipped = 0
    for video in queryset.select_related("library").defer(None):
        try:
            video_reencode(video=video)
            queued += 1
        except OriginalMissing:
            skipped += 1
    report(modeladmin, request, "reencoding", queued, skipped, "no original to encode from")
    return None


class RecomputeForm(forms.Form):
    conversion_names = forms.MultipleChoiceField(
        label="Renditions",
        choices=RUNG_CHOICES,
        initial=list(DEFAULT_ENABLED),
        widget=forms.CheckboxSelectMultiple,
        help_text="These renditions are encoded again; the others of the published set are kept. "
        "A source never gets renditions larger than itself.",
    )
    recompute_all_video_info = forms.BooleanField(
        label="Re-probe the original (width, height, duration, codecs)", required=False, initial=True
    )


def recompute(videos, *, conversion_names: list[str], recompute_all_video_info: bool):
    """The same work a recompute bulk command starts for a batch (renditions merged into the
    published set, the video info re-probed or only filled in), for the selection, now."""
    command = BulkCommand(
        action=BulkCommand.Action.RECOMPUTE,
        params={"conversionNames": conversion_names, "recomputeAllVideoInfo": recompute_all_video_info},
    )
    with transaction.atomic():
        return bulk_processes_start(
            videos, recipe=recipe_for(command), dialect=EncodingProcess.Dialect.ADMIN, request={"action": "admin"}
        )


@admin.action(description="Recompute conversions of selected videos…", permissions=["change"])
def recompute_videos(modeladmin, request, queryset):
    count = queryset.count()
    if too_many(modeladmin, request, count):
        return None
    form = RecomputeForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        names = form.cleaned_data["conversion_names"]
        result = recompute(
            list(queryset.select_related("library").defer(None)),
            conversion_names=names,
            recompute_all_video_info=form.cleaned_data["recompute_all_video_info"],
        )
        verb = f"recomputing {', '.join(names)}"
        report(modeladmin, request, verb, len(result.started), len(result.skipped), "no original")
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Recompute conversions",
        "opts": modeladmin.model._meta,
        "form": form,
        "count": count,
        "sample": list(queryset.values_list("title", flat=True)[:10]),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "recompute_videos",
        "breadcrumb": "Recompute conversions",
    }
    return TemplateResponse(request, "admin/media_platform/video/recompute.html", context)
