"""Smart Generate's pure parts: scene changes parsed from ffmpeg, and what is derived from a transcript."""

from __future__ import annotations

import subprocess

import pytest

from media_platform.engine.smart import (
    Scene,
    chapters,
    description,
    keyphrases,
    moments,
    parse_scene_changes,
    scene_argv,
    title,
)
from media_platform.engine.speech import Segment, Transcript

TALK = Transcript(
    "en",
    30.0,
    (
        Segment(0.0, 4.0, "Welcome to the garden, where tomatoes grow in the summer sun."),
        Segment(4.5, 9.0, "Tomatoes need water every morning and a little compost."),
        Segment(14.0, 19.0, "Next we prune the apple trees before winter arrives."),
        Segment(19.5, 25.0, "Pruning apple trees keeps the branches strong and healthy."),
    ),
)
CUTS = [Scene(12.0, 0.9), Scene(20.0, 0.35)]


def test_keyphrases_of_nothing_are_none():
    assert keyphrases("   ") == []
    silent = Transcript("en", 10.0, ())
    assert title(silent) is None and description(silent) is None


def test_title_names_what_is_talked_about():
    made = title(TALK)
    assert made and any(word in made.lower() for word in ("tomatoes", "apple", "garden", "trees"))
    assert made[0].isupper() and len(made) <= 80


def test_description_is_sentences_said_in_order():
    made = description(TALK)
    said = [s.text for s in TALK.segments]
    picked = [text for text in said if text in made]
    assert 1 <= len(picked) <= 3
    assert sorted(picked, key=said.index) == picked  # in the order they were said


def test_chapters_start_at_scene_changes_and_pauses_and_cover_the_video():
    made = chapters(TALK, CUTS, 30.0)
    assert len(made) >= 2
    assert made[0].start == 0 and made[-1].end == 30
    assert all(a.end == b.start for a, b in zip(made, made[1:], strict=False))
    assert made[1].start in (12, 14)  # the cut at 12 s (the pause before 14 s is too close to it)
    assert all(chapter.title for chapter in made)


def test_no_chapters_when_nothing_divides_the_video():
    assert chapters(Transcript("en", 10.0, ()), [], 10.0) == []


def test_moments_are_the_strongest_changes_apart_and_labelled():
    made = moments(TALK, CUTS + [Scene(12.5, 0.5)], 30.0)
    assert [m.timestamp for m in made] == [12, 20]  # 12.5 s is too close to the stronger 12 s
    assert all(m.label for m in made)


@pytest.mark.ffmpeg
def test_scene_changes_found_by_ffmpeg(tmp_path):
    # given two different pictures, one after the other
    clip = tmp_path / "cut.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=red:size=160x90:duration=2:rate=10",
         "-f", "lavfi", "-i", "testsrc2=size=160x90:duration=2:rate=10",
         "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    # when ffmpeg scores the changes
    result = subprocess.run(scene_argv("ffmpeg", str(clip)), capture_output=True, text=True, timeout=60)
    scenes = parse_scene_changes(result.stdout)
    # then the cut at 2 s is found, strongly
    assert any(abs(scene.time - 2.0) < 0.2 and scene.score > 0.3 for scene in scenes), scenes
