"""The second ffmpeg: the static build inside imageio-ffmpeg (ffmpeg 9, with libvmaf), used where
Debian's 5.1 cannot do the job — VMAF scores and CENC encryption."""

from __future__ import annotations

import functools
import subprocess

from django.conf import settings


@functools.cache
def _has_libvmaf(binary: str) -> bool:
    try:
        result = subprocess.run([binary, "-hide_banner", "-filters"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return " libvmaf " in result.stdout


def vmaf_binary() -> str | None:
    """VMAF_FFMPEG_BINARY, or imageio-ffmpeg's static build; None when neither has libvmaf."""
    binary = settings.VMAF_FFMPEG_BINARY
    if not binary:
        try:
            import imageio_ffmpeg

            binary = imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            return None
    return binary if _has_libvmaf(binary) else None
