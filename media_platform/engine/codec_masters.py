"""One master playlist for several codecs: the variants of other jobs' masters (a VP9, HEVC or AV1
ladder packaged as fMP4/CMAF with its own master) added to a ladder's master, so a player picks
the codec it can play from one URL. Their audio groups are renamed after their folder, as every
packager names its first group alike."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .plan.outputs import CodecVariants

GROUP = re.compile(r'GROUP-ID="([^"]*)"')
AUDIO = re.compile(r'AUDIO="([^"]*)"')
URI = re.compile(r'URI="([^"]*)"')
VERSION = re.compile(r"^#EXT-X-VERSION:(\d+)$", re.M)


def _rename(line: str, folder: str) -> str:
    tag = folder.replace("/", "-")
    line = GROUP.sub(lambda m: f'GROUP-ID="{tag}-{m.group(1)}"', line)
    line = AUDIO.sub(lambda m: f'AUDIO="{tag}-{m.group(1)}"', line)
    return URI.sub(lambda m: f'URI="{folder}/{m.group(1)}"', line)


def codec_entries(other: str, folder: str) -> tuple[list[str], list[str]]:
    """(EXT-X-MEDIA lines, STREAM-INF line + URI pairs) of another master, as seen from `folder`'s parent."""
    media, variants, lines = [], [], [line.strip() for line in other.splitlines()]
    for number, line in enumerate(lines):
        if line.startswith("#EXT-X-MEDIA:"):
            media.append(_rename(line, folder))
        elif line.startswith("#EXT-X-STREAM-INF:"):
            uri = next((item for item in lines[number + 1 :] if item and not item.startswith("#")), None)
            if uri is not None:
                variants += [_rename(line, folder), f"{folder}/{uri}"]
    return media, variants


def with_codec_variants(master: str, other: str, folder: str) -> str:
    """`master` also listing `other`'s renditions (its URIs relative to `folder`)."""
    media, variants = codec_entries(other, folder)
    if not variants:
        return master
    lines = master.rstrip("\n").splitlines()
    first_variant = next((n for n, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF:")), len(lines))
    lines[first_variant:first_variant] = media
    lines += variants
    text = "\n".join(lines) + "\n"
    versions = [int(v) for v in VERSION.findall(master + other)]
    return VERSION.sub(f"#EXT-X-VERSION:{max(versions)}", text, count=1) if versions else text


def merge_codec_masters(workdir: Path, finisher: CodecVariants) -> None:
    master = workdir / finisher.master
    if not master.is_file():
        return
    text = master.read_text()
    for other in finisher.others:
        path = workdir / other
        if path.is_file():
            folder = os.path.relpath(path.parent, master.parent)
            text = with_codec_variants(text, path.read_text(), folder)
    master.write_text(text)
