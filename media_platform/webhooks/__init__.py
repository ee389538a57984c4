"""Webhook payloads and signatures (pure); delivery is a job (media_platform.jobs.webhooks)."""
