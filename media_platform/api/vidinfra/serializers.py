"""vidinfra's bodies as OpenAPI components. Requests are checked by validate.py (every field at
once); these describe them for the schema and Swagger UI. Numbers may be sent as JSON numbers or
as strings, as the service's own examples do."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .formats import IMAGE_FORMATS, OUTPUTS, SPEECH_MODES
from .payloads import PUBLIC_STATUSES
from .video import CODECS


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}]})
class Numeric(serializers.Field):
    """A number, or a string holding one."""


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "integer", "enum": [0, 1]}]})
class Flag(serializers.Field):
    """true/false or 1/0."""


class S3Source(serializers.Serializer):
    type = serializers.ChoiceField(["s3"])
    region = serializers.CharField(required=False)
    key = serializers.CharField(required=False, help_text="Access key id; shown masked (****abcd) in responses")
    secret = serializers.CharField(required=False, help_text="Secret key; shown masked in responses")
    bucket = serializers.CharField()
    endpoint = serializers.CharField(
        required=False, help_text="S3-compatible endpoint; without a scheme, https:// (http:// when use_tls is false)"
    )
    path = serializers.CharField(help_text="The object's key ('/video.mp4' and 'video.mp4' are the same)")
    use_tls = serializers.BooleanField(required=False, default=True)
    is_passive = serializers.BooleanField(required=False, help_text="Accepted and echoed; no effect on S3")


class S3Destination(S3Source):
    path = serializers.CharField(required=False, help_text="Key prefix the format's files are written under")
    permissions = serializers.BooleanField(required=False, help_text="true: files are uploaded public-read")


class WebhookConfig(serializers.Serializer):
    url = serializers.URLField(help_text="Receives the job (the `result` shape) on every status change")
    headers = serializers.DictField(child=serializers.CharField(), required=False, help_text="Sent with each POST")


class Stream(serializers.Serializer):
    video_codec = serializers.ChoiceField(list(CODECS), required=False, default="libx264")
    height = Numeric(required=False, help_text="Fit within this height, keeping the aspect ratio")
    width = Numeric(required=False)
    bitrate = Numeric(required=False, help_text="kbps")
    quality = Numeric(required=False, help_text="CRF (0: the codec's default)")
    framerate = Numeric(required=False)
    keyframe = Numeric(required=False, help_text="Keyframe interval in frames")


class SubtitleSource(serializers.Serializer):
    source = serializers.CharField(help_text="http(s) URL, s3:// URL or a path in the library; WebVTT or SRT")
    language = serializers.CharField(help_text="eng, en, pt-BR…: names the track and its file")


class Subtitles(serializers.Serializer):
    sources = SubtitleSource(many=True, required=False)
    copy = Flag(required=False, help_text="1: also carry the source's text subtitle tracks (image ones are skipped)")


class Logo(serializers.Serializer):
    source = serializers.CharField(help_text="An image: http(s) URL, s3:// URL or a path in the library")
    x = Numeric(required=False, help_text="Left edge, pixels of the output")
    y = Numeric(required=False, help_text="Top edge, pixels of the output")


class VideoCodecParameters(serializers.Serializer):
    """x264-style knobs. Also accepted, echoed and not applied (the preset chooses them): coder,
    directpred, me_method, subq, trellis, refs, cmp, me_range, sc_threshhold, l_qfactor, b_strategy,
    qcomp, qmin, qdiff, sws_flags, flags, rc_lookahead."""

    min_rate = Numeric(required=False, help_text="kbps")
    max_rate = Numeric(required=False, help_text="kbps")
    bufsize = Numeric(required=False, help_text="kbits")
    preset = serializers.CharField(required=False, help_text="An encoder preset; an unknown one is ignored (noted)")
    vprofile = serializers.CharField(required=False, help_text="H.264 profile; ignored for other codecs")
    level = serializers.CharField(required=False, help_text="H.264 level (31 or 3.1); ignored for other codecs")


class Encryption(serializers.Serializer):
    key = serializers.CharField(help_text="16 bytes as 32 hex digits")
    iv = serializers.CharField(required=False, help_text="16 bytes as 32 hex digits; default: the segment number")
    key_url = serializers.URLField(required=False, help_text="Where players fetch the key; default: the platform")


class CencDrm(serializers.Serializer):
    key = serializers.CharField(help_text="16 bytes as 32 hex digits")
    key_id = serializers.CharField(help_text="16 bytes as 32 hex digits (or a UUID)")
    pssh = serializers.CharField(required=False, help_text="A DRM system's pssh box, base64")
    la_url = serializers.URLField(required=False, help_text="The licence server, named in the MPD")


class Format(serializers.Serializer):
    output = serializers.ChoiceField(OUTPUTS)
    destination = S3Destination(
        required=False, help_text="Without one, files go to the library's storage under vidinfra/…"
    )
    stream = Stream(
        many=True, required=False, help_text="hls, advanced_hls, advanced_dash: the ladder; advanced_mp4: one MP4 each"
    )
    separate_audio = serializers.BooleanField(required=False, help_text="hls: audio in its own playlist")
    audio_mute = serializers.BooleanField(required=False)
    subtitles = Subtitles(required=False, help_text="hls: subtitles/<language>.vtt; mp4: mov_text tracks")
    allow_soft_fail = Flag(required=False, help_text="1: this output may fail without failing the job")
    optimize_bitrate = Flag(required=False, help_text="Accepted; CRF rate control already adapts to the content")
    playlist_name = serializers.CharField(required=False, default="master.m3u8")
    segment_duration = Numeric(required=False, help_text="hls: seconds, default 6")
    image_format = serializers.ChoiceField(list(IMAGE_FORMATS), required=False, help_text="thumbnail")
    time = serializers.CharField(required=False, help_text="thumbnail: seconds or HH:MM:SS")
    height = Numeric(required=False)
    width = Numeric(required=False)
    framerate = Numeric(required=False, help_text="mp4; gif (default 10)")
    quality = Numeric(required=False, help_text="mp4: CRF")
    deinterlace = serializers.BooleanField(required=False)
    upscale = serializers.BooleanField(required=False, help_text="Overrides the job's upscale for this output")
    video_codec = serializers.ChoiceField(list(CODECS), required=False, help_text="mp4")
    bitrate = Numeric(required=False, help_text="mp4: kbps; with quality it caps the CRF encode")
    video_codec_parameters = VideoCodecParameters(required=False)
    keyframe = Numeric(required=False, help_text="mp4: keyframe interval in frames")
    aspect_ratio = serializers.CharField(required=False, help_text="mp4: 16:9…")
    resize_mode = serializers.ChoiceField(["crop", "pad", "stretch"], required=False, help_text="default pad")
    rotate = Numeric(required=False, help_text="mp4: degrees clockwise")
    start_time = serializers.CharField(required=False, help_text="mp4: seconds or HH:MM:SS")
    duration = serializers.CharField(required=False, help_text="mp4: seconds or HH:MM:SS")
    logo = Logo(required=False)
    audio_bitrate = Numeric(required=False, help_text="kbps")
    audio_sample_rate = Numeric(required=False)
    audio_channels_number = Numeric(required=False)
    adjust_crf = Numeric(required=False, help_text="Accepted and echoed; not applied")
    min_crf = Numeric(required=False, help_text="Accepted and echoed; not applied")
    max_crf = Numeric(required=False, help_text="Accepted and echoed; not applied")
    encryption = Encryption(required=False, allow_null=True, help_text="hls, advanced_hls: AES-128 segments")
    cenc_drm = CencDrm(required=False, allow_null=True, help_text="mp4, advanced_mp4, advanced_dash: cenc-aes-ctr")
    hdr_to_sdr = Flag(required=False, help_text="1: tone-map an HDR source to SDR BT.709; 0 or absent keeps HDR")
    transcript = Flag(required=False, help_text="speech_to_text: 1 writes transcript.txt")
    json = Flag(required=False, help_text="speech_to_text: 1 writes transcript.json (timed segments)")
    srt = Flag(required=False, help_text="speech_to_text: 1 writes subtitles.srt")
    vtt = Flag(required=False, help_text="speech_to_text: 1 writes subtitles.vtt")
    mode = serializers.ChoiceField(
        list(SPEECH_MODES), required=False, allow_blank=True, help_text="speech_to_text: default balanced"
    )


class JobRequest(serializers.Serializer):
    video_id = serializers.CharField(required=False, help_text="Yours; echoed")
    upscale = serializers.BooleanField(required=False, help_text="Let outputs be larger than the source")
    webhook_config = WebhookConfig(required=False)
    source = S3Source()
    format = Format(many=True)


class JobUpdateRequest(serializers.Serializer):
    video_id = serializers.CharField(required=False)
    upscale = serializers.BooleanField(required=False, help_text="Only together with format")
    webhook_config = WebhookConfig(required=False, allow_null=True)
    source = S3Source(required=False)
    format = Format(many=True, required=False)


class OutputFile(serializers.Serializer):
    path = serializers.CharField(help_text="Key in the destination bucket, or path in the library's storage")
    bucket = serializers.CharField(allow_null=True)
    storage = serializers.ChoiceField(["s3", "library"])
    type = serializers.CharField(help_text="playlist, variant_playlist, audio_playlist, video, image, …")
    size = serializers.IntegerField(help_text="Bytes; playlists count their segments")
    duration = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    video_codec = serializers.CharField()
    audio_codec = serializers.CharField()
    bitrate = serializers.IntegerField(allow_null=True)


class FormatOutputs(serializers.Serializer):
    format = serializers.IntegerField(help_text="Index in format[]")
    output = serializers.CharField()
    status = serializers.ChoiceField(list(PUBLIC_STATUSES))
    error = serializers.CharField()
    files = OutputFile(many=True)


class Message(serializers.Serializer):
    level = serializers.ChoiceField(["undefined", "information", "warning", "error"])
    message = serializers.CharField()


class Job(serializers.Serializer):
    id = serializers.CharField()
    video_id = serializers.CharField()
    status = serializers.ChoiceField(list(PUBLIC_STATUSES))
    progress = serializers.FloatField(help_text="0-100")
    upscale = serializers.BooleanField()
    webhook_config = WebhookConfig(allow_null=True)
    source = serializers.DictField(help_text="As sent; key and secret masked")
    format = serializers.ListField(child=serializers.DictField(), help_text="As sent, defaults filled, secrets masked")
    outputs = FormatOutputs(many=True)
    error = serializers.CharField()
    messages = Message(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class JobBody(serializers.Serializer):
    message = serializers.CharField()
    result = Job()
    success = serializers.BooleanField()


class JobPage(serializers.Serializer):
    items = Job(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total_pages = serializers.IntegerField()


class JobListBody(serializers.Serializer):
    message = serializers.CharField()
    result = JobPage()
    success = serializers.BooleanField()


class FieldError(serializers.Serializer):
    field = serializers.CharField(help_text="format[2].destination, source.bucket…")
    message = serializers.CharField()


class FieldErrors(serializers.Serializer):
    errors = FieldError(many=True)


class ValidationErrorBody(serializers.Serializer):
    message = serializers.CharField(help_text="Names the failing fields")
    result = FieldErrors()
    success = serializers.BooleanField()


class ErrorBody(serializers.Serializer):
    message = serializers.CharField()
    result = serializers.JSONField(allow_null=True)
    success = serializers.BooleanField()


ERRORS = {401: ErrorBody, 403: ErrorBody}
