"""The one status table (media_platform/status.py): every engine event moves the process, the
video and the bunny webhook together, and the dialects' status words change exactly at the
events their webhooks are sent for."""

from __future__ import annotations

import pytest

from media_platform.api.tpstreams.payloads import status_word as tpstreams_word
from media_platform.api.vidinfra.payloads import public_status as vidinfra_word
from media_platform.status import (
    ACTIVE_STATUSES,
    END_EVENTS,
    STAGE_EVENTS,
    TABLE,
    TERMINAL_STATUSES,
    BunnyWebhookStatus,
    Event,
    ProcessStatus,
    VideoStatus,
    row,
)

# event: (process status, video status or None to leave it, bunny webhook status or None)
EXPECTED = {
    Event.RECEIVED: (ProcessStatus.RECEIVED, None, None),
    Event.VALIDATING: (ProcessStatus.VALIDATING, None, None),
    Event.QUEUED: (ProcessStatus.ENQUEUED, VideoStatus.UPLOADED, BunnyWebhookStatus.QUEUED),
    Event.STARTED: (ProcessStatus.PROCESSING, VideoStatus.PROCESSING, BunnyWebhookStatus.PROCESSING),
    Event.ENCODING: (ProcessStatus.PROCESSING, VideoStatus.TRANSCODING, BunnyWebhookStatus.ENCODING),
    Event.FINISHED: (ProcessStatus.FINISHED, VideoStatus.FINISHED, BunnyWebhookStatus.FINISHED),
    # What a soft-failing job left out is missing; the video plays, so bunny clients hear Finished.
    Event.PARTIALLY_FAILED: (ProcessStatus.PARTIALLY_FAILED, VideoStatus.FINISHED, BunnyWebhookStatus.FINISHED),
    Event.FAILED: (ProcessStatus.FAILED, VideoStatus.ERROR, BunnyWebhookStatus.FAILED),
    Event.REJECTED: (ProcessStatus.REJECTED, VideoStatus.ERROR, BunnyWebhookStatus.FAILED),
    # A cancelled process leaves its video as it was (a reencode's cancelled predecessor must not
    # mark the video), and bunny has no webhook for it.
    Event.CANCELLED: (ProcessStatus.CANCELLED, None, None),
}


@pytest.mark.parametrize("event", list(Event))
def test_each_event_moves_process_video_and_webhook_together(event):
    found = row(event)
    assert (found.process, found.video, found.bunny_webhook) == EXPECTED[event]


def test_the_table_has_a_row_for_every_event():
    assert set(TABLE) == set(Event)


def test_the_codes_are_bunnys():
    """VideoModelStatus and the webhook codes, as bunny's API reference numbers them."""
    assert {s.name: s.value for s in VideoStatus} == {
        "CREATED": 0, "UPLOADED": 1, "PROCESSING": 2, "TRANSCODING": 3, "FINISHED": 4, "ERROR": 5,
        "UPLOAD_FAILED": 6, "JIT_SEGMENTING": 7, "JIT_PLAYLISTS_CREATED": 8,
    }  # fmt: skip
    assert [s.value for s in BunnyWebhookStatus] == list(range(11))
    assert (BunnyWebhookStatus.FINISHED, BunnyWebhookStatus.FAILED, BunnyWebhookStatus.CAPTIONS_GENERATED) == (3, 5, 9)


def test_a_process_is_active_or_ended_never_both():
    assert ACTIVE_STATUSES | TERMINAL_STATUSES == set(ProcessStatus)
    assert not ACTIVE_STATUSES & TERMINAL_STATUSES


def test_the_end_events_are_the_ones_that_end_a_process():
    assert {event for event in Event if row(event).process in TERMINAL_STATUSES} == END_EVENTS


@pytest.mark.parametrize("word", [vidinfra_word, tpstreams_word], ids=["vidinfra", "tpstreams"])
def test_a_dialects_status_word_changes_only_at_a_stage_event(word):
    """Their webhooks go out at STAGE_EVENTS: each one must change the word the client last heard,
    and no other event may."""
    life = [Event.RECEIVED, Event.VALIDATING, Event.QUEUED, Event.STARTED, Event.ENCODING]
    heard = word(row(Event.QUEUED).process)
    for event in life[3:]:
        now = word(row(event).process)
        assert (now != heard) == (event in STAGE_EVENTS), event
        heard = now
    for event in life[:2]:
        assert word(row(event).process) == word(row(Event.QUEUED).process)
    for event in END_EVENTS:
        assert word(row(event).process) != word(row(Event.STARTED).process)
