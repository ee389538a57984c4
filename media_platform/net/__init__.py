"""Outbound HTTP that cannot be pointed at the platform's own network (SSRF)."""

from .guard import (
    BlockedAddress,
    blocked_reason,
    guard_boto_client,
    guarded_session,
    is_allowed_address,
    url_host_problem,
)

__all__ = [
    "BlockedAddress",
    "blocked_reason",
    "guard_boto_client",
    "guarded_session",
    "is_allowed_address",
    "url_host_problem",
]
