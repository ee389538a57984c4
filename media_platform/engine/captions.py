"""Caption files: WebVTT kept as is, SRT converted to WebVTT; anything else refused. Also the
small text operations subtitles need on their way into outputs: cutting a WebVTT file to the
part of the timeline a job keeps, and the header HLS players read to line cues up with video."""

from __future__ import annotations

import re

TIMING = re.compile(r"(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}")
SRT_TIME = re.compile(r"(\d{2}:\d{2}:\d{2}),(\d{3})")
CUE_TIMING = re.compile(r"^\s*((?:\d+:)?\d{2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}\.\d{3})(.*)$")
TIMESTAMP_MAP = "X-TIMESTAMP-MAP="
# ISO 639-1 → (ISO 639-2/T as MP4 stores it, the name players show) for the common languages.
LANGUAGES = {
    "ar": ("ara", "Arabic"),
    "bn": ("ben", "Bengali"),
    "cs": ("ces", "Czech"),
    "da": ("dan", "Danish"),
    "de": ("deu", "German"),
    "el": ("ell", "Greek"),
    "en": ("eng", "English"),
    "es": ("spa", "Spanish"),
    "fa": ("fas", "Persian"),
    "fi": ("fin", "Finnish"),
    "fr": ("fra", "French"),
    "he": ("heb", "Hebrew"),
    "hi": ("hin", "Hindi"),
    "hu": ("hun", "Hungarian"),
    "id": ("ind", "Indonesian"),
    "it": ("ita", "Italian"),
    "ja": ("jpn", "Japanese"),
    "ko": ("kor", "Korean"),
    "nl": ("nld", "Dutch"),
    "no": ("nor", "Norwegian"),
    "pl": ("pol", "Polish"),
    "pt": ("por", "Portuguese"),
    "ro": ("ron", "Romanian"),
    "ru": ("rus", "Russian"),
    "sv": ("swe", "Swedish"),
    "th": ("tha", "Thai"),
    "tr": ("tur", "Turkish"),
    "uk": ("ukr", "Ukrainian"),
    "ur": ("urd", "Urdu"),
    "vi": ("vie", "Vietnamese"),
    "zh": ("zho", "Chinese"),
}
# Bibliographic ISO 639-2/B codes that clients also send.
ISO639_B = {"fre": "fra", "ger": "deu", "dut": "nld", "chi": "zho", "cze": "ces", "gre": "ell", "per": "fas"}


class CaptionError(ValueError):
    pass


def to_webvtt(data: bytes) -> str:
    """WebVTT text from a WebVTT or SRT file (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaptionError("Captions must be UTF-8 text.") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise CaptionError("The captions file is empty.")
    if text.startswith("WEBVTT"):
        if not TIMING.search(text):
            raise CaptionError("The WebVTT file has no cues.")
        return text + "\n"
    if not TIMING.search(text):
        raise CaptionError("The captions are neither WebVTT nor SRT: no cue timings found.")
    lines = []
    for line in text.split("\n"):
        lines.append(SRT_TIME.sub(r"\1.\2", line) if "-->" in line else line)
    return "WEBVTT\n\n" + "\n".join(lines) + "\n"


# --- Languages ----------------------------------------------------------------------------
def mp4_language(language: str) -> str:
    """The ISO 639-2/T code an MP4 track stores ("en" → "eng", "fre" → "fra", "pt-BR" → "por")."""
    base = language.split("-", 1)[0].split("_", 1)[0].lower()
    if len(base) == 2:
        return LANGUAGES.get(base, (base, ""))[0]
    return ISO639_B.get(base, base)


def language_name(language: str) -> str:
    """What a player's menu shows for a track: "English" for "en" or "eng", else the code itself."""
    code = mp4_language(language)
    names = {three: name for three, name in LANGUAGES.values()}
    return names.get(code, language)


# --- Cutting and shifting cues ------------------------------------------------------------
def parse_timestamp(text: str) -> float:
    parts = text.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def format_timestamp(seconds: float) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _cue(block: list[str], start: float, end: float | None) -> list[str] | None:
    """The cue shifted by -start and clipped to [0, end - start]; None when it falls outside."""
    for position, line in enumerate(block[:2]):
        match = CUE_TIMING.match(line)
        if not match:
            continue
        begin, finish = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        if finish <= start or (end is not None and begin >= end):
            return None
        if end is not None:
            finish = min(finish, end)
        timing = f"{format_timestamp(begin - start)} --> {format_timestamp(finish - start)}{match.group(3)}"
        return [*block[:position], timing, *block[position + 1 :]]
    return None


def window_webvtt(text: str, start: float = 0.0, duration: float | None = None) -> str:
    """The cues a job that keeps source time [start, start + duration) shows, on its own clock.

    Header, STYLE and REGION blocks stay; NOTE blocks and any earlier X-TIMESTAMP-MAP go."""
    blocks = _blocks(text)
    if not blocks or not blocks[0][0].startswith("WEBVTT"):
        raise CaptionError("Not a WebVTT file: it must start with WEBVTT.")
    end = start + duration if duration is not None else None
    header = [line for line in blocks[0] if not line.startswith(TIMESTAMP_MAP)]
    out, seen_cue = [header], False
    for block in blocks[1:]:
        if block[0].startswith("NOTE"):
            continue
        if not any(CUE_TIMING.match(line) for line in block[:2]):
            if not seen_cue and block[0].startswith(("STYLE", "REGION")):
                out.append(block)
            continue
        seen_cue = True
        cue = _cue(block, start, end)
        if cue is not None:
            out.append(cue)
    return "\n\n".join("\n".join(block) for block in out) + "\n"


def with_timestamp_map(text: str, mpegts: int) -> str:
    """The header line HLS players use to place cue time 0 at the video's first timestamp."""
    blocks = text.split("\n\n", 1)
    header = [line for line in blocks[0].split("\n") if not line.startswith(TIMESTAMP_MAP)]
    header.insert(1, f"{TIMESTAMP_MAP}MPEGTS:{mpegts},LOCAL:00:00:00.000")
    return "\n".join(header) + ("\n\n" + blocks[1] if len(blocks) > 1 else "\n")


def cue_count(text: str) -> int:
    return sum(1 for line in text.split("\n") if CUE_TIMING.match(line))
