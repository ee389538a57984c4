"""Read an ffmpeg argv back into its parts, so plan tests can assert on structure, not on strings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from media_platform.engine.plan import GLOBAL_ARGS

SPLIT = re.compile(r"(?<![a-z])split=(\d+)")
ASPLIT = re.compile(r"asplit=(\d+)")


@dataclass
class Input:
    options: dict[str, str]
    path: str


@dataclass
class Output:
    maps: list[str]
    options: dict[str, str]
    target: str

    @property
    def has_video(self) -> bool:
        return "c:v" in self.options

    @property
    def has_audio(self) -> bool:
        return "c:a" in self.options

    def tee_slaves(self) -> list[tuple[dict[str, str], str]]:
        """`[k=v:k=v]path|…` → [({k: v}, path)]."""
        slaves = []
        for part in self.target.split("|"):
            match = re.fullmatch(r"\[(.*)\](.*)", part)
            assert match, part
            options = dict(item.split("=", 1) for item in match.group(1).split(":"))
            slaves.append((options, match.group(2)))
        return slaves


@dataclass
class Command:
    inputs: list[Input] = field(default_factory=list)
    graph: str = ""
    outputs: list[Output] = field(default_factory=list)

    def splits(self) -> list[int]:
        return [int(n) for n in SPLIT.findall(self.graph)]

    def asplits(self) -> list[int]:
        return [int(n) for n in ASPLIT.findall(self.graph)]

    @staticmethod
    def leaves(counts: list[int]) -> int:
        """Branches a tree of splits ends in: one stream, each split of n adds n - 1."""
        return 1 + sum(n - 1 for n in counts)

    def filters(self) -> list[str]:
        """Names of every filter in the graph, in order."""
        return re.findall(r"\]([a-z_0-9]+)(?:=|\[)", self.graph)


def parse(argv: Sequence[str]) -> Command:
    assert argv[0] == "ffmpeg"
    assert tuple(argv[1 : 1 + len(GLOBAL_ARGS)]) == GLOBAL_ARGS
    rest = list(argv[1 + len(GLOBAL_ARGS) :])
    command = Command()
    options: dict[str, str] = {}
    maps: list[str] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        if token == "-i":
            command.inputs.append(Input(options, rest[i + 1]))
            options = {}
        elif token == "-filter_complex":
            command.graph = rest[i + 1]
        elif token == "-map":
            maps.append(rest[i + 1])
        elif token.startswith("-"):
            assert token[1:] not in options, f"{token} given twice"
            options[token[1:]] = rest[i + 1]
        else:
            command.outputs.append(Output(maps, options, token))
            options, maps = {}, []
            i += 1
            continue
        i += 2
    assert not options and not maps, "options after the last output"
    return command
