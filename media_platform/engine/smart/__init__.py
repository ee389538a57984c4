"""Smart Generate, the pure parts: scene changes from ffmpeg's scene detection, and a title, a
description, chapters and moments derived from a transcript and those scene changes."""

from .scenes import Scene, parse_scene_changes, scene_argv
from .text import Chapter, Moment, chapters, description, keyphrases, moments, title

__all__ = [
    "Chapter",
    "Moment",
    "Scene",
    "chapters",
    "description",
    "keyphrases",
    "moments",
    "parse_scene_changes",
    "scene_argv",
    "title",
]
