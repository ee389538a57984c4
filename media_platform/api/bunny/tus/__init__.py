"""bunny's resumable uploads over HTTP: /tusupload, tus 1.0 with presigned signature headers."""
