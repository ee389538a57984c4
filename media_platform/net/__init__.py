"""Outbound HTTP that cannot be pointed at the platform's own network (SSRF)."""

from .guard import BlockedAddress, guarded_session, is_allowed_address

__all__ = ["BlockedAddress", "guarded_session", "is_allowed_address"]
