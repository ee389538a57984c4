"""The tus 1.0 resumable upload protocol and bunny's presigned upload signature: plain values in and
out, no Django (the endpoint is api/bunny/tus/, the work services/uploads/)."""
