"""Per-dialect process notifications: one module per dialect, each with notify(process, event)."""
