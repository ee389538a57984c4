import json

from rq import get_current_job

from media_platform.crypto import SecretUnreadable, decrypt
from media_platform.models import Video
from media_platform.services.videos import fetch_issue, video_fetch_failed, video_fetch_run


def fetch_video(video_id: int, secret: str) -> None:
    """`secret`: the encrypted {"url", "headers"} of the fetch request."""
    video = Video.objects.select_related("library").filter(pk=video_id).first()
    if video is None or video.has_original:
        return  # deleted meanwhile, or fetched already by an earlier run of this job
    try:
        request = json.loads(decrypt(secret, what="the fetch request"))
    except SecretUnreadable as exc:
        video_fetch_failed(video=video, issue=fetch_issue(f"The source was not fetched: {exc}."))
        return
    job = get_current_job()
    retries = (job.retries_left or 0) if job else 0
    video_fetch_run(video=video, url=request["url"], headers=request.get("headers") or {}, retries_left=retries)
