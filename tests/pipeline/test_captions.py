"""Auto captions, as a bunny client sees them: a library with `auto_captions` gets each video's
speech back as a caption in the language heard, in the HLS master as a subtitle track, and a
webhook 9 (CaptionsGenerated) once; a video without sound is still Finished, with a message."""

from __future__ import annotations

import json

import pytest

from media_platform.engine.captions import CUE_TIMING, cue_count, to_webvtt
from media_platform.engine.issues import IssueCode
from media_platform.engine.spec import SpeechToTextJob, job_from_json
from media_platform.models import Caption, EncodingJob, EncodingProcess
from media_platform.services.pipeline.recipes import bunny_video_jobs
from media_platform.services.video_assets import caption_add, caption_generated_add
from media_platform.status import ProcessStatus, VideoStatus
from tests.support.bunny import create_video, get_video, served, upload
from tests.support.speech import SENTENCES, make_speech_clip, word_error_rate
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def captioning(library_keys, receiver):
    library = library_keys.library
    library.auto_captions = True
    library.webhook_url = f"{receiver.url}/hook"
    library.save()
    return library_keys


@pytest.fixture(scope="session")
def spoken(media_dir):
    return make_speech_clip(media_dir / "spoken.mp4")


def heard_text(vtt: str) -> str:
    return " ".join(line for line in vtt.splitlines()[1:] if line and not CUE_TIMING.match(line) and ":" not in line)


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_speech_becomes_the_videos_caption_and_a_subtitle_track(bunny, captioning, spoken, client, receiver):
    guid = create_video(bunny, captioning.id)
    upload(bunny, captioning.id, guid, spoken)

    run_burst()
    run_burst()  # a second pass sends nothing twice

    video = get_video(bunny, captioning.id, guid)
    assert video["status"] == VideoStatus.FINISHED
    assert video["captions"] == [{"srclang": "en", "label": "English (auto)", "version": 1}]
    caption = served(client, guid, "captions/en.vtt").decode()
    assert to_webvtt(caption.encode()) and cue_count(caption) >= 2
    assert word_error_rate(" ".join(SENTENCES), heard_text(caption)) < 0.25, caption

    master = served(client, guid, "playlist.m3u8").decode()
    media = [line for line in master.splitlines() if line.startswith("#EXT-X-MEDIA:TYPE=SUBTITLES")]
    assert media == [
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English (auto)",LANGUAGE="en",AUTOSELECT=YES,'
        'DEFAULT=NO,URI="subtitles/en.m3u8"'
    ]
    assert all(line.endswith('SUBTITLES="subs"') for line in master.splitlines() if "STREAM-INF" in line)
    track = served(client, guid, "subtitles/en.m3u8").decode()
    assert "subtitles/en.vtt" not in track and "en.vtt" in track
    in_hls = served(client, guid, "subtitles/en.vtt").decode()
    assert "X-TIMESTAMP-MAP=MPEGTS:" in in_hls and cue_count(in_hls) == cue_count(caption)

    statuses = [json.loads(r.body)["Status"] for r in receiver.wait_for(5)]
    assert statuses == [0, 1, 2, 3, 9]
    process = EncodingProcess.objects.get(video__guid=guid)
    assert process.status == ProcessStatus.FINISHED
    (row,) = EncodingJob.objects.filter(process=process, kind="speech_to_text")
    assert row.status == ProcessStatus.FINISHED and job_from_json(row.spec).hls_master == "playlist.m3u8"


@pytest.mark.workers
def test_a_video_without_sound_is_finished_without_captions(bunny, captioning, clip, receiver):
    guid = create_video(bunny, captioning.id)
    upload(bunny, captioning.id, guid, clip("silent-captions.mp4", duration=1, audio=False))

    run_burst()

    video = get_video(bunny, captioning.id, guid)
    assert video["status"] == VideoStatus.FINISHED and video["captions"] == []
    codes = {m["issueCode"]: m["message"] for m in video["transcodingMessages"]}
    assert "no audio" in codes[IssueCode.TRANSCRIPTION_FAILED]
    assert "No captions" in codes[IssueCode.CAPTION_GENERATION_FAILED]
    assert EncodingProcess.objects.get(video__guid=guid).status == ProcessStatus.PARTIALLY_FAILED
    assert [json.loads(r.body)["Status"] for r in receiver.wait_for(4)] == [0, 1, 2, 3]  # no 9


def test_only_libraries_that_ask_get_a_speech_job(library_keys, clip):
    from media_platform.engine.probe import probe_file
    from media_platform.services.videos import video_create

    video = video_create(library=library_keys.library, title="x")
    process = EncodingProcess(library=library_keys.library, video=video, recipe={"name": "bunny_video"})
    info = probe_file(str(clip("recipe-captions.mp4", duration=1)))

    assert not any(isinstance(job, SpeechToTextJob) for job in bunny_video_jobs(process, info))
    library_keys.library.auto_captions = True
    (speech,) = [job for job in bunny_video_jobs(process, info) if isinstance(job, SpeechToTextJob)]
    assert speech.allow_soft_fail and speech.hls_master == "playlist.m3u8"
    assert (speech.transcript_file, speech.json_file, speech.srt_file, speech.vtt_file) == (None, None, None, None)


def test_generated_captions_replace_generated_ones_and_keep_uploaded_ones(library_keys):
    from media_platform.services.videos import video_create

    video = video_create(library=library_keys.library, title="x")
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n"

    first = caption_generated_add(video=video, srclang="en", text=vtt)
    again = caption_generated_add(video=video, srclang="en", text=vtt)
    caption_add(video=video, srclang="fr", label="Français", data=vtt.encode())
    kept = caption_generated_add(video=video, srclang="fr", text=vtt)

    assert (first.label, again.version) == ("English (auto)", 2)
    assert kept is None and Caption.objects.get(video=video, srclang="fr").label == "Français"
