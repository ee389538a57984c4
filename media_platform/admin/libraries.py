"""Libraries: counts and storage per library, settings, and API keys shown once when made."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from media_platform.engine.ladder import RUNGS, parse_resolutions
from media_platform.models import Library
from media_platform.selectors.admin import library_admin_list
from media_platform.services.libraries import library_create, library_delete, library_regenerate_keys

from .display import size

SETTINGS = ("keep_original", "max_concurrent_processes", "requests_per_minute")


class LibraryForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label="Webhook URL", max_length=2000, required=False, assume_scheme="https",
        help_text="Status changes of this library's videos are POSTed here, signed.",
    )  # fmt: skip
    enabled_resolutions = forms.MultipleChoiceField(
        choices=[(name, name) for name in RUNGS],
        widget=forms.CheckboxSelectMultiple,
        help_text="The renditions new encodes get (never larger than the source).",
    )

    class Meta:
        model = Library
        fields = (
            "name",
            "webhook_url",
            "enabled_resolutions",
            "mp4_fallback",
            "jit_encoding_enabled",
            "auto_captions",
            "encrypt_hls",
            "sign_key_requests",
            *SETTINGS,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.enabled_resolutions if self.instance.pk else self.fields_default()
        self.initial["enabled_resolutions"] = parse_resolutions(current)

    @staticmethod
    def fields_default() -> str:
        return Library._meta.get_field("enabled_resolutions").default

    def clean_enabled_resolutions(self) -> str:
        names = parse_resolutions(self.cleaned_data["enabled_resolutions"])
        if not names:
            raise forms.ValidationError("Choose at least one resolution.")
        return ",".join(names)


def keys_response(modeladmin, request, rows, title: str):
    """The one page that shows clear keys; they are not stored anywhere, so it cannot be shown again."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "rows": rows,
    }
    response = TemplateResponse(request, "admin/media_platform/library/keys.html", context)
    response["Cache-Control"] = "no-store"
    return response


@admin.action(description="Regenerate API keys of selected libraries", permissions=["change"])
def regenerate_keys(modeladmin, request, queryset):
    rows = [(library, library_regenerate_keys(library=library)) for library in queryset]
    modeladmin.message_user(
        request, f"New keys for {len(rows)} librar{'y' if len(rows) == 1 else 'ies'}: the old keys no longer work."
    )
    return keys_response(modeladmin, request, rows, "New API keys")


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    form = LibraryForm
    list_display = ("name", "id", "video_count", "storage", "webhook_url", "key_hint", "created_at")
    list_display_links = ("name",)
    search_fields = ("name",)
    actions = [regenerate_keys]
    readonly_fields = ("keys", "videos_link", "created_at")
    change_form_template = "admin/media_platform/library/change_form.html"

    def get_queryset(self, request):
        return library_admin_list()

    def delete_model(self, request, obj):
        library_delete(library=obj)

    def delete_queryset(self, request, queryset):
        for library in queryset:
            library_delete(library=library)

    def get_fieldsets(self, request, obj=None):
        main = ("name", "webhook_url")
        encoding = ("enabled_resolutions", "mp4_fallback", "jit_encoding_enabled", "auto_captions", "keep_original")
        protection = ("encrypt_hls", "sign_key_requests")
        limits = ("max_concurrent_processes", "requests_per_minute")
        main_fields = main if obj is None else (*main, "keys", "videos_link", "created_at")
        return [
            (None, {"fields": main_fields}),
            ("Encoding", {"fields": encoding}),
            ("Content protection", {"fields": protection}),
            ("Limits", {"fields": limits}),
        ]

    @admin.display(description="Videos", ordering="video_count")
    def video_count(self, obj):
        url = reverse("admin:media_platform_video_changelist") + f"?library__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.video_count)

    @admin.display(description="Storage", ordering="storage_bytes")
    def storage(self, obj):
        return format_html('<span title="{} bytes">{}</span>', obj.storage_bytes, size(obj.storage_bytes))

    @admin.display(description="API key")
    def key_hint(self, obj):
        return f"…{obj.api_key_hint}" if obj.api_key_hint else "—"

    @admin.display(description="API keys")
    def keys(self, obj):
        return format_html(
            "API key …{} · read-only key …{}<br><span class='help'>Keys are stored hashed: they are shown "
            "only when made. “Regenerate keys” makes new ones and invalidates these.</span>",
            obj.api_key_hint,
            obj.read_only_api_key_hint,
        )

    @admin.display(description="Videos")
    def videos_link(self, obj):
        url = reverse("admin:media_platform_video_changelist") + f"?library__id__exact={obj.pk}"
        return format_html('<a href="{}">{} videos, {}</a>', url, obj.video_count, size(obj.storage_bytes))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        library, keys = library_create(
            name=form.cleaned_data["name"],
            webhook_url=form.cleaned_data["webhook_url"],
            enabled_resolutions=form.cleaned_data["enabled_resolutions"],
            mp4_fallback=form.cleaned_data["mp4_fallback"],
        )
        # library_create takes no limits: the rest of the form is applied as an edit would be.
        for name in SETTINGS:
            setattr(library, name, form.cleaned_data[name])
        library.save(update_fields=list(SETTINGS))
        obj.pk = library.pk
        obj.refresh_from_db()
        request.mp_new_keys = keys

    def response_add(self, request, obj, post_url_continue=None):
        keys = getattr(request, "mp_new_keys", None)
        if keys is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"The library “{obj.name}” was created. Copy its keys now: they are shown once.")
        return keys_response(self, request, [(obj, keys)], "Library created")

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.regenerate_view))
        return [path("<int:pk>/regenerate-keys/", view, name="media_platform_library_regenerate"), *super().get_urls()]

    def regenerate_view(self, request, pk):
        library = get_object_or_404(Library, pk=pk)
        if not self.has_change_permission(request, library):
            raise PermissionDenied
        keys = library_regenerate_keys(library=library)
        self.message_user(request, f"New keys for “{library.name}”: the old keys no longer work.")
        return keys_response(self, request, [(library, keys)], "New API keys")
