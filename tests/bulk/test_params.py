"""Pure parts of bulk commands: conversion names, the recipe, the master playlist merge, video info."""

from __future__ import annotations

import pytest

from media_platform.models import BulkCommand
from media_platform.services.bulk import BulkParamError, parse_conversion_names, recipe_for
from media_platform.services.pipeline.merge import merge_master, parse_master, video_info_updates


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (None, []),
        ("", []),
        ("720p", ["720p"]),
        ("720p,480p", ["480p", "720p"]),
        (" 720P , 240p ,", ["240p", "720p"]),
        (["720p", "240p"], ["240p", "720p"]),
        (["720p,360p", "360p"], ["360p", "720p"]),
        (["MP4 480p", "WebM 480p"], ["480p"]),  # Nuxeo's conversion names
    ],
)
def test_conversion_names(value, names):
    assert parse_conversion_names(value) == names


@pytest.mark.parametrize("value", ["999p", "ultra", ["720p", "Ogg"]])
def test_unknown_conversion_names_are_refused_with_the_valid_ones(value):
    with pytest.raises(BulkParamError) as caught:
        parse_conversion_names(value)
    assert "Valid conversion names: 240p, 360p" in caught.value.message


@pytest.mark.parametrize(
    ("action", "params", "recipe"),
    [
        ("reencode", {}, {"name": "bunny_video"}),
        ("recomputeVideoConversion", {}, {"name": "bunny_video", "video_info": "missing"}),
        (
            "recomputeVideoConversion",
            {"conversionNames": ["240p"], "recomputeAllVideoInfo": True},
            {"name": "bunny_video", "video_info": "all", "resolutions": ["240p"], "merge": True},
        ),
    ],
)
def test_recipe_of_each_action(action, params, recipe):
    assert recipe_for(BulkCommand(action=action, params=params)) == recipe


OLD = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=700000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
360p/video.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2"
240p/video.m3u8
"""
NEW = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="en",URI="subtitles/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=450000,AVERAGE-BANDWIDTH=380000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",SUBTITLES="subs"
240p/video.m3u8
"""


def test_the_merged_master_lists_new_and_kept_renditions_highest_first():
    merged = merge_master(NEW, OLD, {"360p/video.m3u8"})
    header, variants = parse_master(merged)
    assert header[:3] == ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    assert any(line.startswith("#EXT-X-MEDIA:TYPE=SUBTITLES") for line in header)
    assert [v.uri for v in variants] == ["360p/video.m3u8", "240p/video.m3u8"]
    assert variants[1].bandwidth == 450000  # the new 240p, not the old one
    assert variants[0].attributes.endswith('SUBTITLES="subs"')  # kept variants see the new subtitles


def test_a_merge_keeping_nothing_is_the_new_master():
    assert parse_master(merge_master(NEW, OLD, set())) == parse_master(NEW)


def test_video_info_missing_only_fills_empty_fields():
    current = {"width": 1280, "height": 0, "length": 10, "framerate": 0.0, "rotation": None, "source_info": None}
    probed = {"width": 640, "height": 360, "length": 11, "framerate": 25.0, "rotation": 90, "source_info": {"a": 1}}
    assert video_info_updates(current, probed, recompute_all=True) == probed
    assert video_info_updates(current, probed, recompute_all=False) == {
        "height": 360,
        "framerate": 25.0,
        "rotation": 90,
        "source_info": {"a": 1},
    }
