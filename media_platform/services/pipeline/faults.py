"""The two kinds of failure: the input's fault (fail now, never retry) and the environment's
(storage, network, a worker lost: retry with backoff, keep the source and the last good outputs)."""

from media_platform.engine.issues import InputError

__all__ = ["EnvironmentFault", "InputError", "LeaseLost"]


class EnvironmentFault(Exception):
    """Something around the encode failed; running it again later may well succeed."""


class LeaseLost(Exception):
    """Another worker took this process over (we were presumed dead): stop, publish nothing."""
