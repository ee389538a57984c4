"""Speech to text: a clip whose speech espeak-ng made is planned, extracted, transcribed with the
packaged tiny.en model, and written as a transcript, JSON, SRT and WebVTT a client can read."""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from media_platform.engine import speech
from media_platform.engine.captions import CUE_TIMING, parse_timestamp, to_webvtt
from media_platform.engine.finish import apply_finishers
from media_platform.engine.hls import SubtitleMedia
from media_platform.engine.masters import with_subtitle_media
from media_platform.engine.plan import EncodeContext, plan_process
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import SpeechToTextJob, ThumbnailJob, Trim, job_from_json, to_json
from tests.support.speech import SENTENCES, make_speech_clip, word_error_rate, words

from .conftest import source_info

SRT_TIMING = re.compile(r"^(\d{2}:\d{2}:\d{2},\d{3}) --> (\d{2}:\d{2}:\d{2},\d{3})$")


def test_word_error_rate_counts_edits_per_reference_word():
    assert word_error_rate("the quick brown fox", "The quick, brown fox!") == 0
    assert word_error_rate("the quick brown fox", "the quick round fox") == 0.25
    assert word_error_rate("the quick brown fox", "quick brown fox jumps") == 0.5


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> Path:
    return make_speech_clip(tmp_path_factory.mktemp("speech") / "speech.mp4")


def run_jobs(jobs, source: Path, out: Path) -> dict[int, speech.Transcript]:
    out.mkdir(parents=True, exist_ok=True)
    info = probe_file(str(source))
    transcripts = {}
    for invocation in plan_process(jobs, info, EncodeContext(input_path=str(source))):
        for folder in invocation.directories:
            (out / folder).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(invocation.argv, cwd=out, duration=invocation.duration, frames=None, timeout=60)
        assert result.ok, result.stderr_tail
        transcripts.update(apply_finishers(out, invocation.finishers, invocation.scratch))
    return transcripts


@pytest.fixture(scope="module")
def transcribed(spoken, tmp_path_factory):
    out = tmp_path_factory.mktemp("speech-out")
    started = time.monotonic()
    transcripts = run_jobs([(0, SpeechToTextJob(prefix="stt"))], spoken, out)
    return transcripts[0], out / "stt", time.monotonic() - started, probe_file(str(spoken)).duration


# --- the words, in time -------------------------------------------------------------------
def test_the_spoken_words_are_heard(transcribed):
    transcript, folder, seconds, _ = transcribed

    assert transcript.language == "en"
    assert word_error_rate(" ".join(SENTENCES), transcript.text) < 0.25, transcript.text
    assert (folder / "transcript.txt").read_text().strip() == transcript.text
    assert seconds < 60  # a few seconds on two cores, model loading included


def test_segments_are_timed_in_order_within_the_clip(transcribed):
    transcript, folder, _, duration = transcribed
    data = json.loads((folder / "transcript.json").read_text())

    assert set(data) == {"language", "duration", "segments"} and data["language"] == "en"
    assert abs(data["duration"] - duration) < 0.5
    times = [(s["start"], s["end"]) for s in data["segments"]]
    assert times and all(0 <= start <= end <= duration + 0.01 for start, end in times)
    assert all(a[1] <= b[0] for a, b in zip(times, times[1:], strict=False))
    assert " ".join(s["text"] for s in data["segments"]) == transcript.text
    # the first sentence ends before the second begins: "fox" is heard in the first half
    fox = next(w for s in transcript.segments for w in s.words if "fox" in w.text.lower())
    assert fox.end < duration / 2


def cue_times(lines: list[str], pattern: re.Pattern) -> list[tuple[float, float]]:
    found = [pattern.match(line) for line in lines]
    return [
        (parse_timestamp(m.group(1).replace(",", ".")), parse_timestamp(m.group(2).replace(",", ".")))
        for m in found
        if m
    ]


def test_srt_parses_numbered_cues_in_order(transcribed):
    _, folder, _, duration = transcribed
    text = (folder / "subtitles.srt").read_text()
    blocks = [block.split("\n") for block in text.strip().split("\n\n")]

    assert len(blocks) >= 2  # one cue per sentence at least
    assert [block[0] for block in blocks] == [str(n) for n in range(1, len(blocks) + 1)]
    assert all(SRT_TIMING.match(block[1]) and 1 <= len(block[2:]) <= 2 for block in blocks)
    times = cue_times([block[1] for block in blocks], SRT_TIMING)
    assert all(0 <= a <= b <= duration + 0.01 for a, b in times)
    assert all(x[1] <= y[0] for x, y in zip(times, times[1:], strict=False))
    assert to_webvtt(text.encode())  # what a client uploading it as a caption would check


def test_webvtt_parses_with_the_same_cues(transcribed):
    transcript, folder, _, _ = transcribed
    text = (folder / "subtitles.vtt").read_text()
    lines = text.split("\n")

    assert lines[0] == "WEBVTT"
    vtt_times = cue_times(lines, CUE_TIMING)
    srt_times = cue_times((folder / "subtitles.srt").read_text().split("\n"), SRT_TIMING)
    assert vtt_times == srt_times
    heard = " ".join(line for line in lines[1:] if line and not CUE_TIMING.match(line))
    assert words(heard) == words(transcript.text)


@pytest.mark.ffmpeg
def test_only_the_files_asked_for_are_written_and_scratch_is_gone(spoken, tmp_path):
    job = SpeechToTextJob(transcript_file=None, json_file=None, srt_file="captions.srt", vtt_file=None, mode="fast")

    run_jobs([(3, job)], spoken, tmp_path)

    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == ["captions.srt"]


# --- planning -----------------------------------------------------------------------------
def test_the_sound_alone_is_extracted_as_16khz_mono_pcm_after_the_other_jobs():
    info = source_info("h264_aac")
    jobs = [(0, SpeechToTextJob(prefix="f1")), (1, ThumbnailJob())]

    invocations = plan_process(jobs, info, EncodeContext(input_path="in.mp4"))

    speech_run = next(inv for inv in invocations if inv.job_indexes == (0,))
    argv = list(speech_run.argv)
    assert argv[argv.index("-map") + 1] == f"0:{info.audio[0].index}"
    assert {"-vn", "-sn", "-dn"} <= set(argv)
    assert argv[argv.index("-ar") + 1] == "16000" and argv[argv.index("-ac") + 1] == "1"
    assert argv[argv.index("-c:a") + 1] == "pcm_s16le" and argv[-1] == ".work/0-speech/audio.wav"
    assert [f.path for f in speech_run.files] == [
        "f1/transcript.txt", "f1/transcript.json", "f1/subtitles.srt", "f1/subtitles.vtt",
    ]  # fmt: skip
    assert [f.role for f in speech_run.files] == ["transcript", "transcript", "subtitles", "subtitles"]
    assert speech_run.scratch == (".work/0-speech",)
    assert speech_run.weight < info.duration  # the decode is cheap; the transcription is not measured


def test_a_trim_seeks_the_input_and_a_silent_source_plans_nothing():
    info = source_info("h264_aac")
    trimmed = SpeechToTextJob(transformations=(Trim(start_time=0.5, duration=1.0),))

    (invocation,) = plan_process([(0, trimmed)], info, EncodeContext(input_path="in.mp4"))
    argv = list(invocation.argv)
    assert argv[argv.index("-ss") + 1] == "0.5" and argv[argv.index("-t") + 1] == "1.0"
    assert argv.index("-ss") < argv.index("-i")
    assert invocation.duration == 1.0

    silent = replace(source_info("h264_aac"), audio=())
    assert plan_process([(0, SpeechToTextJob())], silent, EncodeContext(input_path="in.mp4")) == []


def test_the_job_round_trips_through_json():
    job = SpeechToTextJob(prefix="f2", srt_file=None, mode="accurate", language="fr", hls_master="playlist.m3u8")

    assert job_from_json(json.loads(json.dumps(to_json(job)))) == job


# --- writers ------------------------------------------------------------------------------
def word_list(start: float, text: str, step: float = 0.5) -> tuple[speech.Word, ...]:
    return tuple(
        speech.Word(round(start + i * step, 3), round(start + (i + 1) * step, 3), f" {w}")
        for i, w in enumerate(text.split())
    )


TRANSCRIPT = speech.Transcript(
    "en",
    6.0,
    (
        speech.Segment(0.0, 2.0, "Hello there. General Kenobi.", word_list(0.0, "Hello there. General Kenobi.")),
        speech.Segment(3.0, 4.0, "No words timed here"),
    ),
)


def test_captions_break_after_sentences_and_spread_untimed_words():
    assert speech.srt(TRANSCRIPT) == (
        "1\n00:00:00,000 --> 00:00:01,000\nHello there.\n\n"
        "2\n00:00:01,000 --> 00:00:02,000\nGeneral Kenobi.\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nNo words timed here\n"
    )
    assert speech.webvtt(TRANSCRIPT).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello there.\n\n")
    assert speech.transcript_text(TRANSCRIPT) == "Hello there. General Kenobi. No words timed here\n"
    assert json.loads(speech.transcript_json(TRANSCRIPT))["segments"][1] == {
        "start": 3.0, "end": 4.0, "text": "No words timed here",
    }  # fmt: skip


def test_a_long_run_of_words_becomes_cues_of_two_short_lines():
    text = " ".join(["word"] * 60)
    long = speech.Transcript("en", 40.0, (speech.Segment(0.0, 30.0, text, word_list(0.0, text, 0.5)),))

    cues = speech.caption_cues(long)

    assert len(cues) > 3
    assert all(len(cue.text.split("\n")) <= 2 for cue in cues)
    assert all(len(line) <= speech.LINE_CHARS for cue in cues for line in cue.text.split("\n"))
    assert all(cue.end - cue.start <= speech.CUE_SECONDS for cue in cues)
    assert sum(len(cue.text.split()) for cue in cues) == 60


def test_a_pause_after_a_clause_ends_a_cue_and_its_lines_are_balanced():
    first = word_list(0.0, "The quick brown fox jumps over the lazy dog,", 0.3)
    second = word_list(4.0, "speech to text, makes captions", 0.3)  # no pause after "text,"
    heard = speech.Transcript("en", 6.0, (speech.Segment(0.0, 5.5, "…", first + second),))

    cues = speech.caption_cues(heard)

    assert [cue.text for cue in cues] == [
        "The quick brown fox\njumps over the lazy dog,",
        "speech to text, makes captions",
    ]
    assert (cues[1].start, cues[1].end) == (4.0, 5.5)
    assert speech.two_lines("short") == ["short"]


def test_nothing_heard_writes_empty_files_that_still_parse():
    empty = speech.Transcript("en", 2.0)

    assert (speech.transcript_text(empty), speech.srt(empty), speech.webvtt(empty)) == ("", "", "WEBVTT\n")
    assert json.loads(speech.transcript_json(empty)) == {"language": "en", "duration": 2.0, "segments": []}


def test_segments_are_made_monotonic():
    messy = [speech.Segment(1.0, 3.0, "a"), speech.Segment(2.5, 2.0, "b"), speech.Segment(4.0, 5.0, "")]

    assert [(s.start, s.end) for s in speech.monotonic(messy)] == [(1.0, 3.0), (3.0, 3.0)]


# --- the model ----------------------------------------------------------------------------
def test_the_default_model_is_the_packaged_one_and_nothing_else_is_fetched(tmp_path):
    packaged = Path(speech.packaged_model_dir())
    assert (packaged / "model.bin").is_file() and (packaged / "tokenizer.json").is_file()
    settings = speech.SpeechSettings(accurate_model_dir=str(tmp_path))
    assert settings.model_for("balanced") == str(packaged)
    assert settings.model_for("accurate") == str(tmp_path)
    with pytest.raises(speech.SpeechError, match="no model.bin"):
        speech.load_model(str(tmp_path))  # never taken for a model name to download
    with pytest.raises(speech.SpeechError, match="mode must be"):
        speech.transcribe(tmp_path / "a.wav", mode="slow", settings=settings)


@pytest.mark.ffmpeg
def test_audio_that_is_not_16khz_mono_is_refused(tmp_path):
    wav = tmp_path / "stereo.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "0.2", str(wav)])
    with pytest.raises(speech.SpeechError, match="16 kHz mono"):
        speech.wav_duration(wav)
    with pytest.raises(speech.SpeechError, match="could not be read"):
        list(speech.wav_pieces(tmp_path / "missing.wav"))


@pytest.mark.ffmpeg
def test_long_audio_is_heard_a_window_at_a_time_cut_where_it_is_quiet(tmp_path):
    # 1 s of tone, 0.2 s of silence at 1.0-1.2 s, then 1.3 s of tone: 2.5 s in windows of 1.2 s.
    wav = tmp_path / "pieces.wav"
    tone = "sine=frequency=300:sample_rate=16000"
    graph = f"{tone}:duration=1[a];anullsrc=r=16000:cl=mono,atrim=duration=0.2[b];{tone}:duration=1.3[c];"
    graph += "[a][b][c]concat=n=3:v=0:a=1"
    subprocess.run(["ffmpeg", "-v", "error", "-filter_complex", graph, "-c:a", "pcm_s16le", str(wav)], check=True)

    pieces = list(speech.wav_pieces(wav, window=1.2))

    assert [round(start, 2) for start, _ in pieces] == [0.0, 1.05, 2.0]  # the first cut is in the silence
    assert sum(len(samples) for _, samples in pieces) == 2.5 * speech.SAMPLE_RATE
    assert speech.wav_duration(wav) == 2.5


@pytest.mark.ffmpeg
def test_windows_keep_the_words_and_their_clock(spoken, tmp_path):
    duration = probe_file(str(spoken)).duration
    wav = tmp_path / "audio.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(spoken), "-ac", "1", "-ar", "16000", str(wav)], check=True)

    windowed = speech.transcribe(wav, settings=speech.SpeechSettings(), window=4.0)

    assert word_error_rate(" ".join(SENTENCES), windowed.text) < 0.25, windowed.text
    times = [(s.start, s.end) for s in windowed.segments]
    assert times[-1][1] > duration / 2 and all(a[1] <= b[0] for a, b in zip(times, times[1:], strict=False))


# --- the HLS master -----------------------------------------------------------------------
MASTER = (
    "#EXTM3U\n#EXT-X-VERSION:3\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/video.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\n720p/video.m3u8\n"
)


def test_a_track_joins_the_masters_subtitle_group():
    media = SubtitleMedia("English (auto)", "en", "subtitles/en.m3u8")

    once = with_subtitle_media(MASTER, media)
    twice = with_subtitle_media(once, SubtitleMedia("French (auto)", "fr", "subtitles/fr.m3u8"))

    lines = twice.splitlines()
    assert [line.split("LANGUAGE=")[1][:4] for line in lines if line.startswith("#EXT-X-MEDIA")] == ['"en"', '"fr"']
    assert lines.index(next(line for line in lines if "fr.m3u8" in line)) < lines.index("360p/video.m3u8")
    stream_infs = [line for line in lines if line.startswith("#EXT-X-STREAM-INF")]
    assert all(line.endswith(',SUBTITLES="subs"') and line.count("SUBTITLES=") == 1 for line in stream_infs)
