"""Bulk commands over the videos a query selects (Nuxeo's bulk service): create, scroll, abort."""

from .commands import (
    BulkParamError,
    bulk_command_abort,
    bulk_command_create,
    bulk_command_reconcile,
    parse_conversion_names,
    recipe_for,
)
from .scroll import bulk_command_step

__all__ = [
    "BulkParamError",
    "bulk_command_abort",
    "bulk_command_create",
    "bulk_command_reconcile",
    "bulk_command_step",
    "parse_conversion_names",
    "recipe_for",
]
