"""Stored secrets fail closed: a value no configured key opens is an error, never an empty string;
keys rotate with SECRET_KEY_FALLBACKS (or a list of field keys) and `rotate_secrets`."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from media_platform.crypto import SecretUnreadable, decrypt, encrypt
from media_platform.engine.spec import ThumbnailJob
from media_platform.models import EncodingProcess, Library, WebhookDelivery
from media_platform.services.pipeline import encoding_process_create
from media_platform.services.pipeline.keys import signature_valid, signed_key_url
from media_platform.services.webhooks import webhook_enqueue
from media_platform.storage.s3 import S3Location
from media_platform.webhooks.signing import body_signature
from tests.support.s3 import KEY, REGION, SECRET
from tests.support.workers import run_burst

OLD, NEW = "the-old-secret-key-" + "x" * 40, "the-new-secret-key-" + "y" * 40


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS, settings.FIELD_ENCRYPTION_KEYS = OLD, [], []
    return settings


def test_a_value_sealed_with_a_key_no_longer_configured_raises(old_key):
    token = encrypt("webhook-secret")
    old_key.SECRET_KEY = NEW
    with pytest.raises(SecretUnreadable, match="the signing secret cannot be decrypted .*SECRET_KEY_FALLBACKS"):
        decrypt(token, what="the signing secret")


def test_the_old_key_as_a_fallback_opens_old_values_while_new_ones_use_the_new_key(old_key):
    token = encrypt("webhook-secret")
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert decrypt(token) == "webhook-secret"
    fresh = encrypt("another")
    old_key.SECRET_KEY_FALLBACKS = []
    assert decrypt(fresh) == "another"  # sealed with the new key alone


def test_field_keys_rotate_as_a_list_newest_first(old_key):
    old_key.FIELD_ENCRYPTION_KEYS = ["field-key-1"]
    token = encrypt("s3-secret")
    old_key.FIELD_ENCRYPTION_KEYS = ["field-key-2", "field-key-1"]
    assert decrypt(token) == "s3-secret"
    old_key.FIELD_ENCRYPTION_KEYS = ["field-key-2"]
    with pytest.raises(SecretUnreadable):
        decrypt(token)
    assert decrypt(encrypt("x")) == "x"


def test_signed_key_urls_from_before_a_rotation_stay_valid_until_they_expire(old_key):
    url = signed_key_url("job-1")
    expires, token = (part.split("=", 1)[1] for part in url.split("?", 1)[1].split("&"))
    old_key.SECRET_KEY = NEW
    assert not signature_valid("job-1", expires, token)
    old_key.SECRET_KEY_FALLBACKS = [OLD]
    assert signature_valid("job-1", expires, token)


def _delivery(library: Library, url: str) -> WebhookDelivery:
    subject = f"video:{uuid.uuid4()}"
    with transaction.atomic():
        return webhook_enqueue(
            library=library,
            url=url,
            payload={"VideoGuid": subject},
            event_key=f"test:{subject}",
            dialect="bunny",
            subject=subject,
            headers={"x-token": "client-token"},
        )


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_a_webhook_whose_secret_cannot_be_decrypted_is_not_sent_and_says_why(old_key, receiver, library_keys):
    # given a delivery recorded under the old key, and a restart with a new key and no fallback
    delivery = _delivery(library_keys.library, f"{receiver.url}/hook")
    old_key.SECRET_KEY = NEW

    # when a worker takes it
    run_burst(["webhooks"])

    # then nothing went out (not even unsigned), and the delivery failed for good with the reason
    assert receiver.wait_for(1, timeout=1) == []
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED and delivery.attempts == 1
    assert "not sent" in delivery.last_error and "cannot be decrypted" in delivery.last_error
    assert "cannot be decrypted" in delivery.attempt_log.get().error


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_with_the_old_key_as_a_fallback_the_webhook_goes_out_signed(old_key, receiver, library_keys):
    _delivery(library_keys.library, f"{receiver.url}/hook")
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = NEW, [OLD]
    run_burst(["webhooks"])
    [request] = receiver.wait_for(1)
    assert request.headers["X-BunnyStream-Signature"] == body_signature(library_keys.read_only_key, request.body)
    assert request.headers["x-token"] == "client-token"


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_a_request_named_s3_location_whose_credentials_cannot_be_decrypted_fails_clearly(old_key, library_keys, s3):
    bucket = s3.bucket()
    s3.client().put_object(Bucket=bucket, Key="in.mp4", Body=b"not read")
    process = encoding_process_create(
        library=library_keys.library,
        source=S3Location(bucket, "in.mp4", REGION, s3.endpoint, KEY, SECRET).to_json(),
        destination=S3Location(bucket, "out", REGION, s3.endpoint, KEY, SECRET).to_json(),
        jobs=[ThumbnailJob()],
        dialect=EncodingProcess.Dialect.CLI,
    )
    old_key.SECRET_KEY = NEW
    run_burst()
    process.refresh_from_db()
    assert process.status == "FAILED"
    assert f"the credentials of s3://{bucket}/in.mp4 cannot be decrypted" in process.fail_message
    assert s3.keys(bucket) == ["in.mp4"]  # nothing written, unsigned or otherwise


@pytest.mark.django_db
def test_rotate_secrets_moves_every_stored_secret_to_the_new_key(old_key, library_keys, capsys):
    # given secrets of every kind sealed with the old key
    library = library_keys.library
    delivery = _delivery(library, "https://example.com/hook")
    location = S3Location("bucket", "out", REGION, "https://s3.example.com", KEY, SECRET)
    process = encoding_process_create(
        library=library, source=location.to_json(), destination=location.to_json(), jobs=[ThumbnailJob()],
        dialect=EncodingProcess.Dialect.CLI,
    )  # fmt: skip
    EncodingProcess.objects.filter(pk=process.pk).update(callback_headers_encrypted=encrypt('{"a": "b"}'))

    # when the key changes, with the old one as a fallback, and the command runs
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = NEW, [OLD]
    call_command("rotate_secrets")
    assert "re-encrypted" in capsys.readouterr().out

    # then everything opens with the new key alone
    old_key.SECRET_KEY_FALLBACKS = []
    library.refresh_from_db()
    delivery.refresh_from_db()
    process.refresh_from_db()
    assert decrypt(library.webhook_secret_encrypted) == library_keys.read_only_key
    assert decrypt(delivery.headers_encrypted) == '{"x-token": "client-token"}'
    assert decrypt(process.callback_headers_encrypted) == '{"a": "b"}'
    assert S3Location.from_json(process.source).secret_key == SECRET
    assert S3Location.from_json(process.destination).access_key == KEY


@pytest.mark.django_db
def test_rotate_secrets_names_the_rows_no_key_opens(old_key, library_keys, capsys):
    old_key.SECRET_KEY = NEW  # the library's secret was sealed with OLD, which is gone
    with pytest.raises(CommandError, match="1 row"):
        call_command("rotate_secrets")
    assert f"Library {library_keys.id}" in capsys.readouterr().err


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_a_fetch_whose_queued_request_cannot_be_decrypted_fails_the_video_with_the_reason(old_key, bunny, library_keys):
    response = bunny.post(
        f"/library/{library_keys.id}/videos/fetch", {"url": "https://example.com/a.mp4"}, format="json"
    )
    assert response.status_code == 200, response.content
    old_key.SECRET_KEY = NEW
    run_burst()
    video = bunny.get(f"/library/{library_keys.id}/videos").json()["items"][0]
    assert video["status"] == 6  # UploadFailed
    assert "the fetch request cannot be decrypted" in video["transcodingMessages"][0]["message"]
