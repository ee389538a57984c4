"""The operators' admin: one module per ModelAdmin (Django autodiscovers this package)."""

from django.contrib import admin

from . import bulk, collections, libraries, processes, videos, webhooks  # noqa: F401  (registers the ModelAdmins)

admin.site.site_header = "Media platform"
admin.site.site_title = "Media platform admin"
admin.site.index_title = "Operations"
