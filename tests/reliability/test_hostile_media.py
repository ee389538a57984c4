"""Every file in the corpus gets a defined outcome, and the worker survives to take the next."""

from __future__ import annotations

import pytest

from tests.support.bunny import create_video, get_video, upload
from tests.support.corpus import CORPUS, build
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED, ERROR = 4, 5
# name → (status, {(level, issueCode) that must be among the messages})
EXPECTED = {
    "zero-bytes.mp4": (ERROR, {(3, 7)}),
    "random-bytes.mp4": (ERROR, {(3, 7)}),
    "text.mp4": (ERROR, {(3, 7)}),
    "truncated-10.mp4": (ERROR, {(3, 7)}),
    "truncated-50.mp4": (ERROR, {(3, 7)}),
    "truncated-99.mp4": (ERROR, {(3, 7)}),
    "faststart-truncated-50.mp4": (ERROR, {(3, 7)}),
    "moov-at-end.mp4": (FINISHED, set()),
    "corrupted-middle.mp4": (FINISHED, {(2, 2)}),
    "audio-only.m4a": (ERROR, {(3, 3)}),
    "image.png": (ERROR, {(3, 3)}),
    "no-audio.mp4": (FINISHED, set()),
    "odd-853x479.mp4": (FINISHED, set()),
    "tiny-16x16.mp4": (FINISHED, set()),
    "large-4096x2160.mp4": (FINISHED, set()),
    "rotate-90.mp4": (FINISHED, set()),
    "rotate-270.mp4": (FINISHED, set()),
    "vfr.mp4": (FINISHED, {(1, 4)}),
    "interlaced.mp4": (FINISHED, {(1, 2)}),
    "ten-bit.mp4": (FINISHED, set()),
    "hdr-pq.mp4": (FINISHED, {(1, 2)}),  # tone-mapped for the H.264 ladder: an Information
    "surround.mp4": (FINISHED, {(1, 2)}),
    "two-audio.mp4": (FINISHED, {(1, 2)}),
    "absurd-duration.mp4": (FINISHED, {(2, 7)}),
    "playlist-file.m3u8": (ERROR, {(3, 7)}),
    "playlist-loopback.m3u8": (ERROR, {(3, 7)}),
    "concat-trick.txt": (ERROR, {(3, 7)}),
    "bomb-16k.avi": (ERROR, {(3, 3)}),  # the header says 64x64; the frames say 16384x16384
}


def test_the_corpus_is_complete():
    assert set(EXPECTED) == set(CORPUS)


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_every_hostile_file_gets_its_defined_outcome(bunny, library_keys, media_dir, scenario):
    guids = {}
    for name in CORPUS:
        guids[name] = create_video(bunny, library_keys.id, name)
        upload(bunny, library_keys.id, guids[name], build(name, media_dir))
    run_burst()
    outcomes = {}
    for name, guid in guids.items():
        video = get_video(bunny, library_keys.id, guid)
        outcomes[name] = (video["status"], {(m["level"], m["issueCode"]) for m in video["transcodingMessages"]})
        assert all(m["message"] for m in video["transcodingMessages"]), name
    wrong = {
        name: outcomes[name]
        for name, (status, codes) in EXPECTED.items()
        if outcomes[name][0] != status or not codes <= outcomes[name][1]
    }
    finished = sum(status == FINISHED for status, _ in outcomes.values())
    scenario.record(
        f"{len(CORPUS)} hostile files: {finished} Finished, {len(CORPUS) - finished} refused with a message",
        lost=len(wrong),
        duplicates=0,
    )
    assert not wrong, f"unexpected outcomes: {wrong}"
