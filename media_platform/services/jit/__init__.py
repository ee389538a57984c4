"""Playable in seconds: JIT encoding (segments encoded when first watched) and fast start."""

from .prepare import jit_prepare

__all__ = ["jit_prepare"]
