from django.apps import AppConfig


class MediaPlatformConfig(AppConfig):
    name = "media_platform"
    verbose_name = "Media platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The API layer is the one place that knows the dialects: registered here, in every
        # process (web, worker, command), for the services to look up by name.
        from media_platform.api.common import schema  # noqa: F401  (registers schema extensions)
        from media_platform.api.dialects import DIALECTS
        from media_platform.dialects import register

        register(*DIALECTS)
