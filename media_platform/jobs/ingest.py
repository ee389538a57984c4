from rq import get_current_job

from media_platform.models import Video
from media_platform.services.videos import video_fetch_run


def fetch_video(video_id: int, url: str, headers: dict) -> None:
    video = Video.objects.select_related("library").filter(pk=video_id).first()
    if video is None or video.has_original:
        return  # deleted meanwhile, or fetched already by an earlier run of this job
    job = get_current_job()
    video_fetch_run(video=video, url=url, headers=headers, retries_left=(job.retries_left or 0) if job else 0)
