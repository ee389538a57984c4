"""HLS playlists as text: reading variant playlists and writing the master."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUBTITLES_GROUP = "subs"


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float


@dataclass(frozen=True)
class VariantStream:
    uri: str
    bandwidth: int
    average_bandwidth: int
    width: int
    height: int
    codecs: str
    frame_rate: float | None = None
    audio_group: str | None = None


@dataclass(frozen=True)
class SubtitleMedia:
    """One subtitle track as the master lists it."""

    name: str  # what a player's menu shows
    language: str
    uri: str  # the track's playlist, relative to the master


def parse_segments(playlist: str) -> list[Segment]:
    segments, duration = [], None
    for raw in playlist.splitlines():
        line = raw.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#") and duration is not None:
            segments.append(Segment(line, duration))
            duration = None
    return segments


def target_duration(segments: Iterable[Segment], declared: int = 0) -> int:
    """#EXT-X-TARGETDURATION for these segments: no segment's duration, rounded, above it
    (RFC 8216 4.3.3.1), and at least 1 second. ffmpeg writes 0 for a playlist of sub-second
    segments (a one-frame clip), which strict parsers take for a missing tag."""
    return max([1, declared, *(round(s.duration) for s in segments)])


def with_target_duration(playlist: str) -> str:
    """A media playlist whose #EXT-X-TARGETDURATION follows `target_duration`."""
    lines = playlist.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("#EXT-X-TARGETDURATION:"):
            declared = line.split(":", 1)[1].strip()
            target = target_duration(parse_segments(playlist), int(declared) if declared.isdigit() else 0)
            lines[number] = f"#EXT-X-TARGETDURATION:{target}"
    return "\n".join(lines)


def measure_bandwidth(segments: Iterable[Segment], sizes: Mapping[str, int]) -> tuple[int, int]:
    """(peak, average) bits per second. Peak ignores stubs under half the longest segment,
    whose few bytes over a few milliseconds would claim an absurd rate."""
    items = [(s, sizes.get(s.uri, 0)) for s in segments if s.duration > 0]
    if not items:
        return 0, 0
    longest = max(s.duration for s, _ in items)
    rates = [size * 8 / s.duration for s, size in items if s.duration >= longest / 2]
    total_bits = sum(size * 8 for _, size in items)
    total_seconds = sum(s.duration for s, _ in items)
    return int(max(rates)), int(total_bits / total_seconds)


H264_PROFILES = {
    "Baseline": "4200",
    "Constrained Baseline": "42C0",
    "Main": "4D40",
    "Extended": "5800",
    "High": "6400",
    "High 10": "6E00",
    "High 4:2:2": "7A00",
    "High 4:4:4 Predictive": "F400",
}


def video_codec_string(codec: str, profile: str | None, level: int | None) -> str:
    """RFC 6381 codec names, as players expect them in CODECS."""
    if codec == "h264":
        return f"avc1.{H264_PROFILES.get(profile or 'High', '6400')}{(level or 40):02X}".lower()
    if codec == "hevc":
        general = 2 if profile and "10" in profile else 1
        return f"hvc1.{general}.{4 if general == 2 else 6}.L{level or 120}.B0"
    if codec == "av1":
        return "av01.0.08M.08"
    return codec


def audio_codec_string(codec: str | None) -> str | None:
    return {"aac": "mp4a.40.2", "opus": "opus", "mp3": "mp4a.40.34", "ac3": "ac-3"}.get(codec or "")


def _quoted(value: str) -> str:
    """A quoted-string attribute may hold neither quotes nor line breaks (RFC 8216 4.2)."""
    return value.replace('"', "'").replace("\n", " ").replace("\r", " ")


def subtitle_media_line(media: SubtitleMedia) -> str:
    return (
        f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLES_GROUP}",NAME="{_quoted(media.name)}",'
        f'LANGUAGE="{_quoted(media.language)}",AUTOSELECT=YES,DEFAULT=NO,URI="{_quoted(media.uri)}"'
    )


def subtitle_playlist(vtt_uri: str, duration: float) -> str:
    """A WebVTT file as a one-segment VOD playlist covering the whole video."""
    duration = max(0.0, duration)
    return (
        "\n".join(
            [
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                f"#EXT-X-TARGETDURATION:{max(1, math.ceil(duration))}",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                f"#EXTINF:{duration:.3f},",
                vtt_uri,
                "#EXT-X-ENDLIST",
            ]
        )
        + "\n"
    )


def master_playlist(
    variants: Iterable[VariantStream],
    audio_uri: str | None = None,
    subtitles: Iterable[SubtitleMedia] = (),
    *,
    lowest_first: bool = False,
) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if audio_uri:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="default",DEFAULT=YES,AUTOSELECT=YES,URI="{audio_uri}"'
        )
    subtitles = list(subtitles)
    lines += [subtitle_media_line(media) for media in subtitles]
    for v in sorted(variants, key=lambda item: item.bandwidth, reverse=not lowest_first):
        attrs = [
            f"BANDWIDTH={v.bandwidth}",
            f"AVERAGE-BANDWIDTH={v.average_bandwidth}",
            f"RESOLUTION={v.width}x{v.height}",
            f'CODECS="{v.codecs}"',
        ]
        if v.frame_rate:
            attrs.append(f"FRAME-RATE={v.frame_rate:.3f}")
        if v.audio_group:
            attrs.append(f'AUDIO="{v.audio_group}"')
        if subtitles:
            attrs.append(f'SUBTITLES="{SUBTITLES_GROUP}"')
        lines += [f"#EXT-X-STREAM-INF:{','.join(attrs)}", v.uri]
    return "\n".join(lines) + "\n"
