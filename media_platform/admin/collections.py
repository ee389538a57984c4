"""Collections: names and video counts; created, renamed and deleted through the services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from media_platform.models import Collection
from media_platform.services.collections import collection_create, collection_delete, collection_update


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("name", "library", "video_count", "created_at")
    list_filter = ("library",)
    list_select_related = ("library",)
    search_fields = ("name", "=guid")
    readonly_fields = ("guid", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(video_count=Count("videos"))

    def get_fields(self, request, obj=None):
        return ("library", "name") if obj is None else ("name", "guid", "created_at")

    @admin.display(description="Videos", ordering="video_count")
    def video_count(self, obj):
        url = reverse("admin:media_platform_video_changelist") + f"?collection__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.video_count)

    def save_model(self, request, obj, form, change):
        if change:
            collection_update(collection=obj, name=form.cleaned_data["name"])
            return
        created = collection_create(library=form.cleaned_data["library"], name=form.cleaned_data["name"])
        obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        collection_delete(collection=obj)

    def delete_queryset(self, request, queryset):
        for collection in queryset:
            collection_delete(collection=collection)
