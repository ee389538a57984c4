"""HMAC-SHA256 signatures for webhook bodies.

Two schemes on every request:
- bunny's: X-BunnyStream-Signature = hex HMAC of the raw body, keyed with the library's
  signing secret (which starts out equal to its read-only API key, as bunny's does);
- a timestamped one against replay: X-Webhook-Signature = "t=<unix>,v1=<hex HMAC of
  '<unix>.<body>'>"; receivers reject timestamps older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def body_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def timestamped_signature(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "X-BunnyStream-Signature-Version": "v1",
        "X-BunnyStream-Signature-Algorithm": "hmac-sha256",
        "X-BunnyStream-Signature": body_signature(secret, body),
        "X-Webhook-Signature": timestamped_signature(secret, body, timestamp),
    }


def verify_timestamped(
    secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None
) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    current = int(now if now is not None else time.time())
    if abs(current - timestamp) > tolerance:
        return False
    expected = timestamped_signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
