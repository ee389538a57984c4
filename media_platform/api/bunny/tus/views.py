"""bunny's TUS endpoint: POST /tusupload creates an upload for a video, HEAD/PATCH/DELETE
/tusupload/{id} resume, append to and terminate it. Every request but OPTIONS carries the
presigned headers; errors are bunny's StatusModel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from media_platform.models import TusUpload
from media_platform.services.uploads import tus_upload_create, tus_upload_finish_here, tus_upload_terminate
from media_platform.tus.protocol import (
    OFFSET_CONTENT_TYPE,
    VERSION,
    ProtocolError,
    capability_headers,
    check_version,
    effective_method,
    encode_metadata,
    http_date,
    parse_metadata,
    parse_size,
)

from .appending import append, carries_bytes
from .auth import Grant, authorize
from .metadata import bunny_metadata
from .responses import PREFLIGHT, tus_error, tus_response


@method_decorator(csrf_exempt, name="dispatch")
class TusApiView(View):
    """The protocol's checks shared by every operation, in its order: version, method, signature."""

    methods: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        method = effective_method(request.method, request.headers.get("X-HTTP-Method-Override"))
        if method == "OPTIONS":  # tus discovery and CORS preflight alike; no credentials needed
            return tus_response(204, {**capability_headers(settings.MAX_UPLOAD_BYTES), **PREFLIGHT})
        try:
            check_version(request.headers.get("Tus-Resumable"))
            if method not in self.methods:
                raise ProtocolError(405, f"{method} is not allowed here.")
            grant = authorize(request.headers)
            return getattr(self, method.lower())(request, grant, **kwargs)
        except ProtocolError as exc:
            extra = {412: {"Tus-Version": VERSION}, 405: {"Allow": ", ".join(("OPTIONS", *self.methods))}}
            return tus_error(exc.status, exc.message, headers=extra.get(exc.status), head=method == "HEAD")


def finish_when_complete(upload: TusUpload) -> Callable[[], None] | None:
    """For the request that brought the last byte: the finish (the parts joined into the original,
    its encode started, JIT or fast start prepared), run here once the client has its answer, so
    the video plays as soon after a TUS upload as after a PUT, busy workers or not. The finishing
    job, sent when the last byte was recorded, and the sweep stay behind it: whichever comes
    first finishes, the others find the upload stored (TUS_FINISH_IN_WEB=0 leaves it to them)."""
    if upload.state != TusUpload.State.COMPLETE or not settings.TUS_FINISH_IN_WEB:
        return None
    return partial(tus_upload_finish_here, upload_id=str(upload.pk))


def expires(upload: TusUpload) -> dict[str, str]:
    if upload.state != TusUpload.State.RECEIVING:
        return {}
    return {"Upload-Expires": http_date(upload.expires_at.timestamp())}


class TusCreateApi(TusApiView):
    methods = ("POST",)

    def post(self, request, grant: Grant):
        if "Upload-Defer-Length" in request.headers:
            raise ProtocolError(400, "Upload-Defer-Length is not supported: send Upload-Length.")
        length = parse_size(request.headers.get("Upload-Length"), "Upload-Length")
        if length == 0:
            raise ProtocolError(400, "An empty file cannot be a video.")
        if length > settings.MAX_UPLOAD_BYTES:
            raise ProtocolError(413, f"The upload is larger than the {settings.MAX_UPLOAD_BYTES}-byte limit.")
        pairs = parse_metadata(request.headers.get("Upload-Metadata"))
        upload = tus_upload_create(
            video=grant.video, length=length, metadata=encode_metadata(pairs), **bunny_metadata(grant.library, pairs)
        )
        headers = {"Location": reverse("tus-upload", args=[upload.pk])}
        if carries_bytes(request):  # creation-with-upload: what arrives counts, whatever goes wrong after
            try:
                append(request, upload, 0)
            except ProtocolError:
                pass
            headers["Upload-Offset"] = str(upload.offset)
        return tus_response(201, {**headers, **expires(upload)}, then=finish_when_complete(upload))


class TusUploadApi(TusApiView):
    methods = ("HEAD", "PATCH", "DELETE")

    def get_upload(self, grant: Grant, upload_id: str, *, gone_too: bool = False) -> TusUpload:
        upload = TusUpload.objects.filter(pk=upload_id, video=grant.video).first()
        if upload is None:
            raise ProtocolError(404, "Upload not found")
        expired = upload.state == TusUpload.State.RECEIVING and upload.expires_at <= timezone.now()
        if (upload.is_gone or expired) and not gone_too:
            failed = upload.state == TusUpload.State.FAILED
            raise ProtocolError(410, f"The upload has {'failed' if failed else 'expired'}.")
        return upload

    def head(self, request, grant: Grant, upload_id: str):
        upload = self.get_upload(grant, upload_id)
        headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
        headers["Cache-Control"] = "no-store"
        if upload.metadata:
            headers["Upload-Metadata"] = upload.metadata
        return tus_response(200, {**headers, **expires(upload)})

    def patch(self, request, grant: Grant, upload_id: str):
        upload = self.get_upload(grant, upload_id)
        if request.content_type != OFFSET_CONTENT_TYPE:
            raise ProtocolError(415, f"A PATCH body must be {OFFSET_CONTENT_TYPE}.")
        offset = append(request, upload, parse_size(request.headers.get("Upload-Offset"), "Upload-Offset"))
        return tus_response(204, {"Upload-Offset": str(offset), **expires(upload)}, then=finish_when_complete(upload))

    def delete(self, request, grant: Grant, upload_id: str):
        tus_upload_terminate(upload=self.get_upload(grant, upload_id, gone_too=True))
        return tus_response(204)
