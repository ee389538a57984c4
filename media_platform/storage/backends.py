"""The platform's own S3 storage: the platform talks to S3 at one address, browsers at another.

Inside a deployment the object store is often reachable only under an internal name
(`http://minio:9000`), while viewers reach it through a public host, a CDN or a proxy. Playback
redirects and every other URL handed out are presigned for that public endpoint
(S3_PUBLIC_ENDPOINT_URL): a SigV4 signature covers the host, so a URL signed for the internal name
cannot simply be rewritten afterwards. Signing needs no network, so the second client never
connects anywhere.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage


class PublicUrlS3Storage(S3Storage):
    def __init__(self, *, public_endpoint_url: str | None = None, **options):
        super().__init__(**options)
        self._public = S3Storage(**{**options, "endpoint_url": public_endpoint_url}) if public_endpoint_url else None

    def url(self, name, parameters=None, expire=None, http_method=None):
        signer = self._public or super()
        return signer.url(name, parameters=parameters, expire=expire, http_method=http_method)
