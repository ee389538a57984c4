from media_platform.services.pipeline import encoding_reconcile
from media_platform.services.playback_stats import playback_stats_fold
from media_platform.services.smart import video_smart_run
from media_platform.services.video_repackage import video_repackage_run
from media_platform.storage import delete_prefix as storage_delete_prefix
from media_platform.storage import storage


def delete_prefix(prefix: str) -> int:
    return storage_delete_prefix(prefix)


def delete_prefixes(prefixes: list[str]) -> int:
    return sum(storage_delete_prefix(prefix) for prefix in prefixes)


def reconcile() -> list[str]:
    return encoding_reconcile()


def delete_file(name: str) -> None:
    storage().delete(name)


def fold_playback_stats() -> int:
    return playback_stats_fold()


def smart_generate(video_id: int, options: dict) -> None:
    video_smart_run(video_id=video_id, options=options)


def repackage_video(video_id: int, keep_original_files: bool) -> str | None:
    return video_repackage_run(video_id=video_id, keep_original_files=keep_original_files)
