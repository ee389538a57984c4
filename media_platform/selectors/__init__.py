"""Reads: querysets with the select_related / prefetch_related their callers need."""
