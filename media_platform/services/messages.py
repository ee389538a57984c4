from __future__ import annotations

from collections.abc import Iterable

from media_platform.engine.issues import Issue
from media_platform.models import EncodingProcess, TranscodingMessage


def transcoding_messages_add(*, process: EncodingProcess, issues: Iterable[Issue]) -> list[TranscodingMessage]:
    """Record issues once: the same code and message for the same process is not repeated
    when a job runs again after a worker died."""
    existing = set(process.messages.values_list("issue_code", "message"))
    rows = [
        TranscodingMessage(
            video=process.video,
            process=process,
            level=int(issue.level),
            issue_code=int(issue.code),
            message=issue.message,
            value=issue.value,
        )
        for issue in issues
        if (int(issue.code), issue.message) not in existing
    ]
    return TranscodingMessage.objects.bulk_create(rows)
