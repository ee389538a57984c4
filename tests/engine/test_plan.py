"""plan: spec + recorded SourceInfo → ffmpeg argv, checked for structure (read back by ffargs.parse)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from media_platform.engine.ladder import build_ladder, mp4_fallback_names
from media_platform.engine.plan import (
    AnimationFrames,
    EncodeContext,
    HlsMaster,
    Mp4DecodeTimes,
    StoryboardFrames,
    plan_process,
    wants_audio,
)
from media_platform.engine.plan.codecs import audio_options, video_options
from media_platform.engine.plan.point_jobs import (
    MAX_INPUTS,
    clamp_time,
    default_thumbnail_time,
    job_window,
    screenshot_name,
    screenshot_times,
    snippet_windows,
)
from media_platform.engine.probe import SOURCE_FORMATS, SourceInfo, VideoStreamInfo
from media_platform.engine.spec import (
    AnimationJob,
    AudioSettings,
    Crop,
    HlsJob,
    Mp4Job,
    PreviewClipJob,
    Rendition,
    Resize,
    ScreenshotsJob,
    StoryboardJob,
    ThumbnailJob,
    Trim,
    VideoSettings,
    Watermark,
)

from .conftest import source_info
from .ffargs import Command, parse

CTX = EncodeContext(input_path="/sources/in.mp4")
MAIN = source_info("h264_aac")  # 640x360, 25 fps, 2 s, stereo


def ladder(info=MAIN):
    return tuple(build_ladder(info.video))


def full_set(info=MAIN):
    renditions = ladder(info)
    return [
        (0, HlsJob(renditions=renditions, mp4_fallback=tuple(mp4_fallback_names(renditions)))),
        (1, ThumbnailJob()),
        (2, StoryboardJob(interval=0.5, columns=2)),
        (3, AnimationJob()),
        (4, Mp4Job(rendition=Rendition(name="source"), prefix="mp4")),
    ]


def timeline(jobs, info=MAIN, ctx=CTX):
    invocations = plan_process(jobs, info, ctx)
    return invocations[0], parse(invocations[0].argv)


# --- the shared decode --------------------------------------------------------------------
def test_full_set_is_one_invocation_the_thumbnail_riding_along():
    invocations = plan_process(full_set(), MAIN, CTX)

    assert [inv.job_indexes for inv in invocations] == [(0, 4, 2, 3, 1)]


@pytest.mark.parametrize(
    ("job", "at"),
    [
        (ThumbnailJob(), "0.2"),  # a tenth of the way in
        (ThumbnailJob(time=30.0), "1.75"),  # clamped inside the video
        (ThumbnailJob(time=0.5, transformations=(Trim(start_time=1.0),)), "0.5"),  # its trimmed timeline
    ],
)
def test_thumbnail_in_the_shared_decode_picks_its_frame_as_it_passes(job, at):
    invocation, command = timeline([(0, Mp4Job()), (1, job)])

    output = command.outputs[-1]
    assert output.target == "thumbnail.jpg"
    assert output.options["update"] == "1" and "frames:v" not in output.options
    # Frame 0 at once (so ffmpeg never waits on this output), then the first frame at `at`.
    assert f"select=eq(n\\,0)+gt(n\\,0)*gte(t\\,{at})*lt(prev_selected_t\\,{at})" in command.graph
    assert command.inputs[0].options.get("ss") is None
    assert invocation.files[-1].path == "thumbnail.jpg" and invocation.frames is not None


def test_timeline_decodes_the_source_once():
    _, command = timeline(full_set())

    assert [i.path for i in command.inputs] == ["/sources/in.mp4"]
    # no seeking: the whole timeline; only media demuxers (no playlists or concat scripts)
    assert command.inputs[0].options == {"protocol_whitelist": "file,pipe", "format_whitelist": SOURCE_FORMATS}
    # Every video output hangs off one split tree of the single decode; same for audio.
    assert Command.leaves(command.splits()) == sum(o.has_video for o in command.outputs) == 6
    assert Command.leaves(command.asplits()) == sum(o.has_audio for o in command.outputs)
    assert command.splits()[0] == 5  # HLS, MP4, storyboard, animation, thumbnail
    assert command.graph.startswith("[0:0]split=5")


def test_outputs_come_in_builder_order():
    _, command = timeline(full_set())

    targets = [o.target for o in command.outputs]
    assert targets[0].endswith("240p/video.m3u8|[f=mp4:movflags=+faststart]play_240p.mp4")
    assert targets[1].endswith("360p/video.m3u8|[f=mp4:movflags=+faststart]play_360p.mp4")
    assert targets[2:] == [
        "mp4/video.mp4",
        ".work/2-storyboard/%05d.jpg",
        ".work/3-animation/%05d.png",
        "thumbnail.jpg",
    ]


def test_hls_renditions_are_tee_outputs_with_fallbacks():
    _, command = timeline(full_set())

    hls = [o for o in command.outputs if o.options.get("f") == "tee"]
    assert len(hls) == 2
    for output, name in zip(hls, ["240p", "360p"], strict=True):
        (hls_opts, playlist), (mp4_opts, mp4) = output.tee_slaves()
        assert playlist == f"{name}/video.m3u8"
        assert hls_opts == {
            "f": "hls",
            "hls_time": "4",
            "hls_playlist_type": "vod",
            "hls_flags": "independent_segments",
            "hls_segment_filename": f"{name}/video%d.ts",
            "start_number": "0",
        }
        assert (mp4_opts, mp4) == ({"f": "mp4", "movflags": "+faststart"}, f"play_{name}.mp4")
        assert output.options["flags"] == "+global_header"
        assert len(output.maps) == 2  # video and audio


def test_every_rendition_keys_at_the_same_instants():
    _, command = timeline(full_set())

    encodes = [o for o in command.outputs if o.options.get("c:v") == "libx264"]
    assert len(encodes) == 3
    assert {o.options["force_key_frames"] for o in encodes} == {"expr:gte(t,n_forced*2.0)"}
    assert {o.options["sc_threshold"] for o in encodes} == {"0"}
    assert {(o.options["g"], o.options["keyint_min"]) for o in encodes} == {("50", "50")}


def test_rendition_sizes_and_rates():
    _, command = timeline(full_set())

    assert "scale=426:240" in command.graph
    assert "scale=640:360" not in command.graph  # the 360p rung is the source's own size
    first = command.outputs[0].options
    assert (first["maxrate"], first["bufsize"], first["crf"], first["b:a"]) == ("600k", "1200k", "23", "64k")
    assert command.outputs[2].options["movflags"] == "+faststart"


def test_frame_dumps_run_ahead_and_keep_every_frame():
    _, command = timeline(full_set())

    storyboard, animation, thumbnail = command.outputs[-3:]
    assert storyboard.options["c:v"] == "mjpeg" and animation.options["c:v"] == "png"
    assert {storyboard.options["fps_mode"], animation.options["fps_mode"], thumbnail.options["fps_mode"]} == {
        "passthrough"
    }
    assert command.graph.count("setpts=PTS+1000000/TB") == 3
    assert "fps=eof_action=pass:fps=1/0.5" in command.graph
    assert "fps=fps=12.000000" in command.graph  # 24 frames across 2 s


def test_hls_outputs_start_picture_and_sound_at_the_start_and_plain_mp4s_keep_their_times():
    _, command = timeline(full_set())

    hls = [o for o in command.outputs if o.options.get("f") == "tee"]
    assert len(hls) == 2
    for output in hls:
        assert output.options["bsf:v"].startswith("setts=time_base=1/90000:pts=PTS:dts=DTS,setts=pts=PTS:dts=")
        assert "/(STARTPTS-STARTDTS+3600)" in output.options["bsf:v"]  # a 25 fps frame at 90 kHz
        assert output.options["bsf:a"] == "noise=drop='lt(pts,0)'"  # AAC's priming frame
    (plain,) = [o for o in command.outputs if o.target == "mp4/video.mp4"]
    assert "bsf:v" not in plain.options and "bsf:a" not in plain.options
    assert command.graph.count("aresample=first_pts=0") == 1  # a late sound padded from the start, once


def test_a_part_further_on_keeps_its_encoders_decode_times_and_drops_the_priming():
    """A chunk piece or a JIT run at 4 s: the whole encode's decode times there (nothing packed,
    so no MP4 has any to get back), its own sound from its own start."""
    part = replace(CTX, seek=4.0, until=8.0, decode_from=3.0, output_ts_offset=4.0)
    invocation, command = timeline(full_set(), ctx=part)

    hls = [o for o in command.outputs if o.options.get("f") == "tee"]
    assert len(hls) == 2
    for output in hls:
        assert "bsf:v" not in output.options
        assert output.options["bsf:a"] == "noise=drop='lt(pts,0)'"
        assert output.options["output_ts_offset"] == "4.0"
    assert not any(isinstance(f, Mp4DecodeTimes) for f in invocation.finishers)
    assert command.graph.count("aresample=first_pts=0") == 1


def test_timeline_invocation_metadata():
    invocation, _ = timeline(full_set())

    assert invocation.duration == 2.0
    assert invocation.frames == 50  # the first rendition's frames measure progress
    assert invocation.weight == 2.0
    assert invocation.directories == (".work/2-storyboard", ".work/3-animation", "240p", "360p", "mp4")
    assert invocation.scratch == (".work/2-storyboard", ".work/3-animation")
    roles = [(f.job_index, f.role, f.path, f.rendition, f.width, f.height) for f in invocation.files]
    assert roles == [
        (0, "mp4", "play_240p.mp4", "240p", 426, 240),
        (0, "variant", "240p/video.m3u8", "240p", 426, 240),
        (0, "mp4", "play_360p.mp4", "360p", 640, 360),
        (0, "variant", "360p/video.m3u8", "360p", 640, 360),
        (0, "master", "playlist.m3u8", None, None, None),
        (4, "mp4", "mp4/video.mp4", "source", 640, 360),
        (2, "sprite", "storyboard.jpg", None, None, None),
        (2, "vtt", "storyboard.vtt", None, None, None),
        (3, "animation", "preview.webp", None, 320, 180),
        (1, "image", "thumbnail.jpg", None, 640, 360),
    ]
    for planned in invocation.files:
        folder = os.path.dirname(planned.path)
        assert not folder or folder in invocation.directories


def test_timeline_finishers():
    invocation, _ = timeline(full_set())

    master, *fallbacks, storyboard, animation = invocation.finishers
    # the MP4 fallbacks written beside the segments get their encoder's decode times back
    assert fallbacks == [Mp4DecodeTimes(0, "play_240p.mp4"), Mp4DecodeTimes(0, "play_360p.mp4")]
    assert isinstance(master, HlsMaster) and master.path == "playlist.m3u8" and master.audio_playlist is None
    assert [(v.name, v.playlist, v.width, v.height, v.fps, v.has_audio) for v in master.variants] == [
        ("240p", "240p/video.m3u8", 426, 240, 25.0, True),
        ("360p", "360p/video.m3u8", 640, 360, 25.0, True),
    ]
    assert isinstance(storyboard, StoryboardFrames)
    assert (storyboard.columns, storyboard.tile_width, storyboard.tile_height, storyboard.duration) == (2, 160, 90, 2.0)
    assert storyboard.sprite_name == "storyboard.jpg"
    assert isinstance(animation, AnimationFrames) and (animation.fps, animation.frame_count) == (8.0, 24)


def test_hls_with_prefix_and_custom_names():
    job = HlsJob(
        prefix="/out/hls/",
        renditions=ladder()[:1],
        playlist_name="master.m3u8",
        variant_playlist="{name}.m3u8",
        segment_pattern="seg_{name}_%03d.ts",
        segment_duration=2.5,
    )

    invocation, command = timeline([(7, job)])

    ((opts, playlist),) = command.outputs[0].tee_slaves()
    assert playlist == "out/hls/240p.m3u8"
    assert opts["hls_segment_filename"] == "out/hls/seg_240p_%03d.ts" and opts["hls_time"] == "2.5"
    assert invocation.finishers[0].path == "out/hls/master.m3u8"
    assert invocation.directories == ("out/hls",)
    assert command.splits() == []  # one consumer: no split at all


# --- separate audio -----------------------------------------------------------------------
def test_separate_audio_hls():
    renditions = ladder()
    job = HlsJob(renditions=renditions, separate_audio=True, mp4_fallback=("360p",))

    invocation, command = timeline([(0, job)])

    low, high, audio = command.outputs
    assert not low.has_audio and len(low.maps) == 1  # video only: audio comes from the audio playlist
    assert high.has_audio  # …except where an MP4 fallback needs its own audio
    (hls_opts, _), (mp4_opts, _) = high.tee_slaves()
    assert hls_opts["select"] == "v" and "select" not in mp4_opts
    assert audio.target == "audio/audio.m3u8" and audio.options["f"] == "hls"
    assert audio.options["hls_segment_filename"] == "audio/audio%d.ts"
    assert not audio.has_video
    assert Command.leaves(command.asplits()) == 2
    master = invocation.finishers[0]
    assert master.audio_playlist == "audio/audio.m3u8"
    assert {v.has_audio for v in master.variants} == {False}
    assert "audio" in invocation.directories


def test_separate_audio_on_a_silent_source_is_plain_hls():
    silent = source_info("ten_bit")

    invocation, command = timeline([(0, HlsJob(renditions=ladder(silent), separate_audio=True))], info=silent)

    assert [o.target.endswith("p/video.m3u8") for o in command.outputs] == [True]
    assert invocation.finishers[0].audio_playlist is None
    assert command.asplits() == [] and not command.outputs[0].has_audio


def test_muted_rendition_gets_no_audio():
    loud, quiet = ladder()
    quiet = replace(quiet, audio=AudioSettings(mute=True))

    _, command = timeline([(0, HlsJob(renditions=(loud, quiet)))])

    assert [o.has_audio for o in command.outputs] == [True, False]
    assert command.asplits() == []


# --- MP4 with transformations -------------------------------------------------------------
def test_mp4_with_transformations(tmp_path):
    mark = str(tmp_path / "mark.png")
    job = Mp4Job(
        rendition=Rendition(name="720p", height=720),
        transformations=(
            Trim(start_time=0.5, duration=1.0),
            Crop(width="50%", gravity="west"),
            Watermark(mark, width="10%", gravity="southeast"),
        ),
    )

    invocation, command = timeline([(0, job)])

    assert [i.path for i in command.inputs] == ["/sources/in.mp4", mark]
    assert command.filters()[:4] == ["trim", "setpts", "crop", "scale"]
    assert "trim=duration=1.0:start=0.5" in command.graph
    assert "atrim=duration=1.0:start=0.5" in command.graph
    assert "crop=320:360:0:0" in command.graph
    assert "overlay=eof_action=repeat:x=288:y=main_h-overlay_h+0" in command.graph
    assert "scale=32:-1" in command.graph
    assert invocation.duration == 1.0 and invocation.frames == 25
    assert [(f.width, f.height) for f in invocation.files] == [(320, 360)]  # 720 high asked: never upscaled


def test_watermark_used_twice_is_read_once_and_split():
    transformations = (Watermark("/marks/logo.png", width="20", height="20"),)
    jobs = [
        (0, Mp4Job(transformations=transformations)),
        (1, Mp4Job(filename="b.mp4", transformations=transformations)),
    ]

    _, command = timeline(jobs)

    assert [i.path for i in command.inputs] == ["/sources/in.mp4", "/marks/logo.png"]
    assert command.graph.startswith("[0:0]split=2") and "[1:0]split=2" in command.graph.replace("[1]", "[1:0]")


def test_watermark_opacity_goes_through_an_alpha_channel():
    _, command = timeline([(0, Mp4Job(transformations=(Watermark("m.png", width="20", opacity=0.25),)))])

    assert "format=rgba" in command.graph and "colorchannelmixer=aa=0.25" in command.graph


def test_trim_past_the_end_is_refused_at_planning():
    from media_platform.engine.transforms import TransformError

    with pytest.raises(TransformError):
        plan_process([(0, Mp4Job(transformations=(Trim(start_time=5),)))], MAIN, CTX)


def test_resize_then_rendition_fits_inside_both():
    job = Mp4Job(rendition=Rendition(name="x", width=200), transformations=(Resize(height="50%"),))

    invocation, command = timeline([(0, job)])

    assert (invocation.files[0].width, invocation.files[0].height) == (200, 112)
    assert "scale=320:180" in command.graph and "scale=200:112" in command.graph


# --- sources that need care ---------------------------------------------------------------
def test_portrait_source_is_rotated_by_the_decoder_and_renditions_are_portrait():
    portrait = source_info("portrait_rotate90")

    invocation, command = timeline([(0, HlsJob(renditions=ladder(portrait)))], info=portrait)

    assert "transpose" not in command.graph  # ffmpeg applies the display matrix while decoding
    assert [(v.width, v.height) for v in invocation.finishers[0].variants] == [(240, 426), (360, 640)]
    assert "scale=240:426" in command.graph


def test_interlaced_source_is_deinterlaced_once_before_the_split():
    interlaced = source_info("interlaced")

    _, command = timeline(full_set(interlaced), info=interlaced)

    assert command.graph.startswith("[0:0]bwdif=deint=interlaced:mode=send_frame:parity=auto[s0];[s0]split=5")
    assert command.graph.count("bwdif") == 1


@pytest.mark.parametrize(
    ("width", "height", "sar", "normalised"),
    [
        (720, 576, "16:15", "scale=768:576"),  # non-square pixels: shown wider
        (427, 239, "1:1", "scale=426:238"),  # odd sides: x264 cannot take them
        (640, 360, "1:1", None),
    ],
)
def test_picture_is_made_square_and_even_once_after_decoding(width, height, sar, normalised):
    video = VideoStreamInfo(index=0, codec="h264", width=width, height=height, fps=25.0, sample_aspect_ratio=sar)
    info = SourceInfo(format_name="mov", duration=2.0, video=video)

    _, command = timeline([(0, Mp4Job()), (1, StoryboardJob())], info=info)

    if normalised:
        assert command.graph.startswith(f"[0:0]{normalised}[s0];[s0]setsar=1[s1];[s1]split=2")
        assert command.graph.count(normalised) == 1
    else:
        assert command.graph.startswith("[0:0]split=2")


def test_variable_frame_rate_source_gets_a_constant_rate():
    vfr = source_info("vfr")

    invocation, command = timeline([(0, HlsJob(renditions=ladder(vfr)))], info=vfr)

    assert "fps=fps=16.364" in command.graph
    assert command.outputs[0].options["r"] == "16.364"
    assert command.outputs[0].options["g"] == "33"
    assert invocation.finishers[0].variants[0].fps == 16.364


def test_chunk_of_a_long_source_seeks_and_numbers_its_segments():
    ctx = replace(CTX, seek=60.0, until=90.0, segment_start_number=15)
    long = replace(MAIN, duration=600.0)

    invocation, command = timeline([(0, HlsJob(renditions=ladder()[:1]))], info=long, ctx=ctx)

    assert command.inputs[0].options == {
        "protocol_whitelist": "file,pipe", "format_whitelist": SOURCE_FORMATS, "ss": "60.0", "to": "90.0"
    }  # fmt: skip
    assert command.outputs[0].tee_slaves()[0][0]["start_number"] == "15"
    assert invocation.duration == 30.0 and invocation.frames == 750


def test_max_pixels_is_passed_to_the_decoder():
    _, command = timeline([(0, Mp4Job())], ctx=replace(CTX, max_pixels=1000))

    assert command.inputs[0].options["max_pixels"] == "1000"


def test_a_source_without_video_cannot_be_planned():
    with pytest.raises(ValueError):
        plan_process([(0, Mp4Job())], source_info("audio_only"), CTX)


def test_silent_source_has_no_audio_anywhere():
    silent = source_info("ten_bit")

    _, command = timeline(full_set(silent), info=silent)

    assert command.asplits() == [] and not any(o.has_audio for o in command.outputs)


# --- point jobs: seek the input -----------------------------------------------------------
def point(job, info=MAIN):
    invocations = plan_process([(0, job)], info, CTX)
    return invocations, [parse(inv.argv) for inv in invocations]


@pytest.mark.parametrize(
    ("job", "seek"),
    [
        (ThumbnailJob(), "0.2"),  # a tenth of the way in
        (ThumbnailJob(time=1.0), "1.0"),
        (ThumbnailJob(time=30.0), "1.75"),  # clamped inside the video
        (ThumbnailJob(time=0.5, transformations=(Trim(start_time=1.0),)), "1.5"),
        (ThumbnailJob(time=0.0), None),
    ],
)
def test_thumbnail_seeks_its_input(job, seek):
    invocations, (command,) = point(job)

    assert len(command.inputs) == 1
    assert command.inputs[0].options.get("ss") == seek
    assert "to" not in command.inputs[0].options
    (output,) = command.outputs
    assert output.options["frames:v"] == "1" and output.options["update"] == "1"
    assert output.options["c:v"] == "mjpeg"
    assert invocations[0].frames is None and invocations[0].finishers == ()


@pytest.mark.parametrize(
    ("filename", "codec", "extra"),
    [("t.jpg", "mjpeg", {"q:v": "3"}), ("t.png", "png", {}), ("t.webp", "libwebp", {}), ("t.JPEG", "mjpeg", {})],
)
def test_thumbnail_format_follows_the_name(filename, codec, extra):
    _, (command,) = point(ThumbnailJob(filename=filename))

    options = command.outputs[0].options
    assert options["c:v"] == codec
    assert extra.items() <= options.items()


def test_thumbnail_size_may_upscale_and_keeps_aspect():
    invocations, (command,) = point(ThumbnailJob(width=1280, prefix="thumbs"))

    assert "scale=1280:720" in command.graph
    assert invocations[0].files[0].path == "thumbs/thumbnail.jpg"
    assert invocations[0].directories == ("thumbs",)


def test_thumbnail_keeps_non_trim_transformations():
    _, (command,) = point(ThumbnailJob(transformations=(Trim(start_time=1.0), Crop(width="100", height="100"))))

    assert "crop=100:100:270:130" in command.graph
    assert "trim" not in command.filters()


def test_screenshots_with_a_number_pattern():
    invocations, (command,) = point(ScreenshotsJob(quantity=3, filename="shots/s%d.jpg"))

    assert [i.options.get("ss") for i in command.inputs] == ["0.333", "1.0", "1.667"]
    assert {i.path for i in command.inputs} == {"/sources/in.mp4"}
    assert [o.target for o in command.outputs] == ["shots/s1.jpg", "shots/s2.jpg", "shots/s3.jpg"]
    assert [o.maps for o in command.outputs] == [["0:0"], ["1:0"], ["2:0"]]
    assert [f.path for f in invocations[0].files] == ["shots/s1.jpg", "shots/s2.jpg", "shots/s3.jpg"]
    assert invocations[0].directories == ("shots",)


def test_one_screenshot_keeps_its_name_literally():
    invocations, (command,) = point(ScreenshotsJob(quantity=1, filename="shot%d.jpg"))

    # `update` makes ffmpeg write the name as given, so the name must not be escaped.
    assert command.outputs[0].target == invocations[0].files[0].path == "shot%d.jpg"


def test_many_screenshots_are_spread_over_invocations():
    invocations, commands = point(ScreenshotsJob(quantity=40, filename="s%d.jpg"), info=replace(MAIN, duration=100.0))

    assert [len(c.inputs) for c in commands] == [MAX_INPUTS, 8]
    assert commands[1].outputs[0].target == "s33.jpg"
    assert sum(len(inv.files) for inv in invocations) == 40


def test_preview_clip_concatenates_seeked_snippets():
    invocations, (command,) = point(PreviewClipJob(num_snippets=2, snippet_duration=0.5))

    assert [(i.options["ss"], i.options["to"]) for i in command.inputs] == [("0.25", "0.75"), ("1.25", "1.75")]
    assert "concat=a=1:n=2:v=1" in command.graph
    (output,) = command.outputs
    assert output.target == "preview.mp4" and output.options["movflags"] == "+faststart"
    assert output.has_video and output.has_audio
    assert invocations[0].duration == 1.0
    assert (invocations[0].files[0].width, invocations[0].files[0].height) == (640, 360)


def test_preview_clip_of_a_short_or_silent_source_uses_it_whole():
    silent = source_info("ten_bit")

    _, (command,) = point(PreviewClipJob(num_snippets=5, snippet_duration=1.0), info=silent)

    assert [i.options for i in command.inputs] == [
        {"protocol_whitelist": "file,pipe", "format_whitelist": SOURCE_FORMATS, "to": "1.0"}
    ]
    assert "concat=a=0:n=1:v=1" in command.graph
    assert not command.outputs[0].has_audio


def test_point_jobs_follow_the_timeline_in_job_order():
    jobs = [(0, ScreenshotsJob(quantity=2)), (1, Mp4Job()), (2, ThumbnailJob()), (3, PreviewClipJob())]

    invocations = plan_process(jobs, MAIN, CTX)

    assert [inv.job_indexes for inv in invocations] == [(1, 2), (0,), (3,)]


# --- small planning helpers ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("job", "expected"),
    [
        (HlsJob(renditions=(Rendition("a"),)), True),
        (HlsJob(renditions=(Rendition("a", audio=AudioSettings(mute=True)),)), False),
        (HlsJob(), False),
        (Mp4Job(), True),
        (Mp4Job(rendition=Rendition("a", audio=AudioSettings(mute=True))), False),
        (PreviewClipJob(), True),
        (ThumbnailJob(), False),
        (StoryboardJob(), False),
        (AnimationJob(), False),
        (ScreenshotsJob(), False),
    ],
)
def test_wants_audio(job, expected):
    assert wants_audio(job) is expected


def test_job_window_composes_trims():
    job = Mp4Job(transformations=(Trim(start_time=2, duration=10), Resize(width="10"), Trim(start_time=1, duration=3)))

    assert job_window(job, 60.0) == type(job_window(job, 60.0))(3.0, 3.0)
    assert job_window(Mp4Job(), 60.0).duration == 60.0


def test_point_helpers():
    assert screenshot_times(10.0, 4) == [1.25, 3.75, 6.25, 8.75]
    assert screenshot_name("s%d.jpg", 3, 4) == "s3.jpg"
    assert screenshot_name("s%d.jpg", 1, 1) == "s%d.jpg"
    assert default_thumbnail_time(10.0) == 1.0 and default_thumbnail_time(600.0) == 5.0
    assert snippet_windows(10.0, 2, 1.0) == [(2.0, 1.0), (7.0, 1.0)]
    assert snippet_windows(2.0, 5, 1.0) == [(0.0, 2.0)]
    assert snippet_windows(10.0, 0, 1.0) == [(0.0, 10.0)]
    window = job_window(Mp4Job(), 10.0)
    assert [clamp_time(t, window) for t in (-1.0, 5.0, 10.0)] == [0.0, 5.0, 9.75]


# --- encoder options ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings", "fps", "expected"),
    [
        (
            VideoSettings(crf=23, max_rate_kbps=3000, preset="fast"),
            25.0,
            {"c:v": "libx264", "crf": 23, "maxrate": "3000k", "bufsize": "6000k", "preset": "fast", "g": 50},
        ),
        (VideoSettings(bitrate_kbps=800, crf=23), 30.0, {"b:v": "800k", "g": 60, "preset": "veryfast"}),
        (VideoSettings(min_rate_kbps=100, bufsize_kbits=50), None, {"minrate": "100k", "g": 60}),
        (
            VideoSettings(gop_seconds=1.0, profile="high", level="4.0"),
            24.0,
            {"g": 24, "profile:v": "high", "level:v": "4.0"},
        ),
        (VideoSettings(fps=29.97002997), 29.97, {"r": 29.97}),
    ],
)
def test_h264_options(settings, fps, expected):
    options = video_options(settings, fps=fps)

    assert expected.items() <= options.items()
    assert options["sc_threshold"] == 0 and options["keyint_min"] == options["g"]
    assert options["pix_fmt"] == "yuv420p"
    assert options["force_key_frames"] == f"expr:gte(t,n_forced*{settings.gop_seconds})"
    if "crf" in options:
        assert "b:v" not in options


def test_h265_options():
    options = video_options(VideoSettings(codec="h265", crf=26), fps=25.0, threads=4)

    assert options["c:v"] == "libx265" and options["tag:v"] == "hvc1" and options["threads"] == 4
    assert options["x265-params"] == "keyint=50:min-keyint=50:scenecut=0:log-level=error"
    assert "sc_threshold" not in options and "g" not in options


@pytest.mark.parametrize(("preset", "svt"), [("ultrafast", 12), ("veryfast", 10), (None, 10), ("6", "6")])
def test_av1_options(preset, svt):
    options = video_options(VideoSettings(codec="av1", preset=preset), fps=30.0)

    assert options["c:v"] == "libsvtav1" and options["preset"] == svt
    assert options["svtav1-params"] == "scd=0" and options["g"] == 60


@pytest.mark.parametrize(
    ("settings", "source_rate", "expected"),
    [
        (AudioSettings(), 48000, {"c:a": "aac", "b:a": "128k", "ac": 2}),
        (AudioSettings(), 44100, {"c:a": "aac", "b:a": "128k", "ac": 2}),
        (AudioSettings(), 22050, {"ar": 48000}),
        (AudioSettings(sample_rate=44100), 22050, {"ar": 44100}),
        (AudioSettings(codec="opus", bitrate_kbps=96), 44100, {"c:a": "libopus", "ar": 48000, "b:a": "96k"}),
        (AudioSettings(channels=None), None, {"c:a": "aac"}),
    ],
)
def test_audio_options(settings, source_rate, expected):
    options = audio_options(settings, source_rate=source_rate)

    assert expected.items() <= options.items()
    if source_rate in (44100, 48000) and not settings.sample_rate and settings.codec == "aac":
        assert "ar" not in options
    if settings.channels is None:
        assert "ac" not in options
