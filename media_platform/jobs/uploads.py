from media_platform.services.uploads import tus_upload_finish, tus_uploads_sweep
from media_platform.storage.resumable import discard_upload


def finish_tus_upload(upload_id: str) -> None:
    tus_upload_finish(upload_id=upload_id)


def discard_tus_bytes(target_name: str) -> None:
    discard_upload(target_name)


def sweep_tus_uploads() -> dict[str, int]:
    return tus_uploads_sweep()
