"""The only code that writes. Keyword-only arguments; jobs enqueued after commit by dotted path."""
