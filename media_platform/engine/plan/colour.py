"""HDR sources: which jobs get SDR (tone-mapped once in the shared decode) and which keep HDR.

A job's `hdr_to_sdr` decides: True tone-maps, False keeps HDR, None picks what its players expect:
SDR for H.264 (players and browsers decode 8-bit H.264 as SDR) and for every image and preview,
HDR for H.265 and AV1, which carry it in 10 bits. Images, storyboards, animations and previews are
SDR whatever is asked: JPEG, WebP and GIF have no HDR.

Kept HDR is encoded as 10-bit 4:2:0 with the source's primaries, transfer and matrix written into
the stream; an H.264 output asked to keep HDR stays 8-bit (browsers do not decode High 10) with the
source's colour tags, which only HDR-aware players honour: diagnostics warn about it. Static HDR10
metadata (mastering display, MaxCLL) is not carried over by ffmpeg 5.1's encoders.

Tone mapping (zscale + tonemap, both in Debian's ffmpeg 5.1): to linear light at 100 nits, to
BT.709 primaries in float, Hable's curve without desaturation, back to BT.709 limited-range 4:2:0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..probe import VideoStreamInfo
from ..spec import HlsJob, Job, Mp4Job, Rendition

HDR_CODECS = ("h265", "av1")  # the codecs that keep HDR in 10 bits
SDR_TAGS = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709", "color_range": "tv"}
# ffprobe's names → zscale's (most are the same; unknown ones are left to the frames' own tags).
ZSCALE_TRANSFERS = {"smpte2084", "arib-std-b67"}
ZSCALE_PRIMARIES = {"bt2020", "bt709", "smpte432", "smpte431"}
ZSCALE_MATRICES = {"bt2020nc", "bt2020c", "bt709"}


def video_codecs(job: Job) -> tuple[str, ...]:
    if isinstance(job, HlsJob):
        return tuple(r.video.codec for r in job.renditions)
    if isinstance(job, Mp4Job):
        return (job.rendition.video.codec,)
    return ()


def wants_sdr(job: Job) -> bool:
    """Whether the job's outputs of an HDR source are tone-mapped (see the module's docstring)."""
    codecs = video_codecs(job)
    if not codecs:
        return True  # images, previews: SDR formats
    if job.hdr_to_sdr is not None:
        return job.hdr_to_sdr
    return "h264" in codecs


def keeps_ten_bit(job: Job, rendition: Rendition, video: VideoStreamInfo | None) -> bool:
    return bool(video and video.is_hdr and not wants_sdr(job) and rendition.video.codec in HDR_CODECS)


def tone_map(stream: Any, video: VideoStreamInfo) -> Any:
    """PQ/HLG → SDR BT.709, 8-bit 4:2:0. The input's colour description comes from the probe when
    known, so frames a decoder left untagged still convert."""
    given: dict[str, Any] = {}
    if video.color_transfer in ZSCALE_TRANSFERS:
        given["tin"] = video.color_transfer
    if video.color_primaries in ZSCALE_PRIMARIES:
        given["pin"] = video.color_primaries
    if video.color_space in ZSCALE_MATRICES:
        given["min"] = video.color_space
    return (
        stream.filter("zscale", t="linear", npl=100, **given)
        .filter("format", "gbrpf32le")
        .filter("zscale", p="bt709")
        .filter("tonemap", tonemap="hable", desat=0)
        .filter("zscale", t="bt709", m="bt709", r="tv")
        .filter("format", "yuv420p")
    )


def colour_branches(stream: Any, video: VideoStreamInfo, jobs: Sequence[Job], fan_out) -> list[Any]:
    """One stream per job, in order: the decoded source, tone-mapped once for every job that wants
    SDR. An SDR source is simply split."""
    if not video.is_hdr:
        return fan_out(stream, len(jobs))
    sdr = [wants_sdr(job) for job in jobs]
    wanted = [count for count in (sum(sdr), len(sdr) - sum(sdr)) if count]
    parts = iter(fan_out(stream, len(wanted)))
    mapped = iter(fan_out(tone_map(next(parts), video), sum(sdr))) if any(sdr) else iter(())
    kept = iter(fan_out(next(parts), len(sdr) - sum(sdr))) if not all(sdr) else iter(())
    return [next(mapped) if want else next(kept) for want in sdr]


def colour_options(job: Job, rendition: Rendition, video: VideoStreamInfo | None) -> dict[str, Any]:
    """Encoder options for an HDR source's rendition: BT.709 tags when tone-mapped; the source's
    tags (and 10 bits for H.265/AV1) when kept. Nothing for an SDR source: its tags pass through."""
    if video is None or not video.is_hdr:
        return {}
    if wants_sdr(job):
        return dict(SDR_TAGS)
    tags = {
        "color_primaries": video.color_primaries or "bt2020",
        "color_trc": video.color_transfer,
        "colorspace": video.color_space or "bt2020nc",
    }
    if keeps_ten_bit(job, rendition, video):
        tags["pix_fmt"] = "yuv420p10le"
    return tags
