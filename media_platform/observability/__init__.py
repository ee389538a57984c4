"""The operator's view: health and readiness probes, Prometheus metrics, JSON logs, Sentry."""
