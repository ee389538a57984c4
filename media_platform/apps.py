from django.apps import AppConfig


class MediaPlatformConfig(AppConfig):
    name = "media_platform"
    verbose_name = "Media platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from media_platform.api.common import schema  # noqa: F401  (registers schema extensions)
