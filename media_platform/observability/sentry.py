"""Errors to Sentry when SENTRY_DSN is set: web requests, RQ jobs, management commands and anything
uncaught, from every process (settings.py starts it, and every process loads the settings)."""

from __future__ import annotations

SECRET_NAMES = ["accesskey", "access_key", "secret_key", "x-streams-token", "x_streams_token"]


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.rq import RqIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), RqIntegration()],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,  # no cookies, users, client addresses or request bodies
        # bunny's clients send their library key as `AccessKey`; request-named S3 locations carry keys
        event_scrubber=EventScrubber(denylist=[*DEFAULT_DENYLIST, *SECRET_NAMES]),
    )
