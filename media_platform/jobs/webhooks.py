from media_platform.services.webhooks import webhook_deliver_subject, webhook_sweep


def deliver_subject(subject: str) -> None:
    webhook_deliver_subject(subject=subject)


def sweep() -> int:
    return webhook_sweep()
