"""One master for several codecs: another packager's master folded into a ladder's."""

from __future__ import annotations

from media_platform.engine.codec_masters import with_codec_variants

LADDER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
360p/video.m3u8
"""
CMAF = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_1",DEFAULT=YES,URI="media_1.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=640x360,CODECS="vp09.00.21.08,mp4a.40.2",AUDIO="group_A1"
media_0.m3u8
"""


def test_other_codecs_variants_are_listed_with_their_own_audio_group():
    merged = with_codec_variants(LADDER, CMAF, "vp9")
    lines = merged.splitlines()
    assert "#EXT-X-VERSION:7" in lines and "#EXT-X-VERSION:3" not in lines
    assert '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="vp9-group_A1",NAME="audio_1",DEFAULT=YES,URI="vp9/media_1.m3u8"' in lines
    assert lines.index("360p/video.m3u8") < lines.index("vp9/media_0.m3u8")
    vp9 = lines[lines.index("vp9/media_0.m3u8") - 1]
    assert 'CODECS="vp09.00.21.08,mp4a.40.2"' in vp9 and 'AUDIO="vp9-group_A1"' in vp9
    # the EXT-X-MEDIA line comes before every variant
    assert lines.index(next(line for line in lines if line.startswith("#EXT-X-MEDIA"))) < lines.index(
        next(line for line in lines if line.startswith("#EXT-X-STREAM-INF"))
    )


def test_a_master_without_variants_changes_nothing():
    assert with_codec_variants(LADDER, "#EXTM3U\n", "vp9") == LADDER
