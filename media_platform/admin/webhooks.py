"""Webhook deliveries: state, every attempt with its log, and Redeliver."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from media_platform.models import WebhookAttempt, WebhookDelivery
from media_platform.services.webhooks import webhook_redeliver

from .video_actions import plural
from .video_inlines import ReadOnlyInline

STATE_TONES = {"pending": "queued", "delivered": "done", "failed": "error"}


def state_badge(state: str):
    return format_html('<span class="mp-badge mp-tone-{}">{}</span>', STATE_TONES.get(state, "idle"), state.title())


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    verbose_name_plural = "attempts"
    fields = ("number", "started_at", "duration_ms", "status_code", "error", "response_excerpt")
    readonly_fields = fields
    ordering = ("number",)


@admin.action(description="Redeliver selected webhooks", permissions=["change"])
def redeliver(modeladmin, request, queryset):
    count = 0
    for delivery in queryset:
        webhook_redeliver(delivery=delivery)
        count += 1
    modeladmin.message_user(request, f"Queued {plural(count, 'delivery', 'deliveries')} again, from attempt one.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "library",
        "dialect",
        "subject",
        "url",
        "state_column",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    )
    list_filter = ("state", "dialect", "library")
    list_select_related = ("library",)
    search_fields = ("subject", "url", "=video_guid")
    actions = [redeliver]
    inlines = [AttemptInline]
    change_form_template = "admin/media_platform/webhookdelivery/change_form.html"
    fields = (
        "library",
        "dialect",
        "subject",
        "url",
        "state_column",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "process",
        "video_guid",
        "event_key",
        "payload_block",
        "created_at",
        "delivered_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox is the log of what was sent

    @admin.display(description="State", ordering="state")
    def state_column(self, obj):
        return state_badge(obj.state)

    @admin.display(description="Payload")
    def payload_block(self, obj):
        return format_html('<pre class="mp-pre">{}</pre>', json.dumps(obj.payload, indent=2, sort_keys=True))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.redeliver_view))
        return [path("<int:pk>/redeliver/", view, name="media_platform_webhookdelivery_redeliver"), *super().get_urls()]

    def redeliver_view(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        if not self.has_change_permission(request, delivery):
            raise PermissionDenied
        webhook_redeliver(delivery=delivery)
        self.message_user(request, "Queued again, from attempt one.", messages.SUCCESS)
        return redirect("admin:media_platform_webhookdelivery_change", pk)
