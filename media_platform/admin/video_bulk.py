"""“Apply to everything the query matches”: a bulk command over the videos of the query box.

The command is created here and worked through by RQ jobs in batches; its page shows progress.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from media_platform.engine.ladder import RUNGS
from media_platform.models import BulkCommand, Library, Video
from media_platform.query.errors import QuerySyntaxError
from media_platform.services.bulk import BulkParamError, bulk_command_create

from .video_query import QUERY_VAR, read_query


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (BulkCommand.Action.REENCODE.value, "Reencode (the library's ladder)"),
            (BulkCommand.Action.RECOMPUTE.value, "Recompute conversions (the renditions below)"),
        ],
        widget=forms.RadioSelect,
        initial=BulkCommand.Action.REENCODE.value,
    )
    conversion_names = forms.MultipleChoiceField(
        label="Renditions",
        choices=[(name, name) for name in RUNGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For a recompute: these renditions are encoded again and merged into the published set; "
        "none chosen means the library's ladder.",
    )
    recompute_all_video_info = forms.BooleanField(
        label="Re-probe the original (width, height, duration, codecs)", required=False
    )
    library = forms.ModelChoiceField(
        queryset=Library.objects.order_by("name"), required=False, empty_label="Every library"
    )


def back_to_list(text: str):
    return redirect(reverse("admin:media_platform_video_changelist") + "?" + urlencode({QUERY_VAR: text}))


def bulk_view(modeladmin, request):
    if not modeladmin.has_change_permission(request):
        raise PermissionDenied
    state = read_query(request.POST if request.method == "POST" else request.GET)
    if not state.active or state.error:
        modeladmin.message_user(request, "Write a valid query first: the bulk command runs over it.", messages.ERROR)
        return back_to_list(state.text)
    form = BulkForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            command = bulk_command_create(
                query=state.text,
                action=form.cleaned_data["action"],
                conversion_names=form.cleaned_data["conversion_names"],
                recompute_all_video_info=form.cleaned_data["recompute_all_video_info"],
                user=request.user,
                library=form.cleaned_data["library"],
            )
        except (QuerySyntaxError, BulkParamError) as exc:
            form.add_error(None, exc.message)
        else:
            url = reverse("admin:media_platform_bulkcommand_change", args=[command.pk])
            modeladmin.message_user(
                request,
                format_html(
                    'Bulk command <a href="{}">{}</a> scheduled: a worker goes through the videos.',
                    url,
                    command.command_id,
                ),  # fmt: skip
            )
            return redirect(url)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Apply to everything the query matches",
        "opts": Video._meta,
        "form": form,
        "query": state,
        "query_var": QUERY_VAR,
        "count": Video.objects.filter(state.compiled.q).count(),
    }
    return TemplateResponse(request, "admin/media_platform/video/bulk.html", context)
