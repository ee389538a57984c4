"""Chunked encoding: a long source cut into pieces that any worker on any host encodes, joined
by a final stitch. See media_platform/engine/chunking.py for the pure parts."""

from .pieces import encoding_chunk_run
from .start import chunked_start, wants_chunks
from .stitch import encoding_stitch_run

__all__ = ["chunked_start", "encoding_chunk_run", "encoding_stitch_run", "wants_chunks"]
