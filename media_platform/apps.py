from django.apps import AppConfig


class MediaPlatformConfig(AppConfig):
    name = "media_platform"
    verbose_name = "Media platform"
    default_auto_field = "django.db.models.BigAutoField"
