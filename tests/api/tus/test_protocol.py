"""The tus headers and bunny's signature, on plain strings: no Django, no database."""

from __future__ import annotations

import base64
import hashlib

import pytest

from media_platform.storage.parts import Part, plan_parts
from media_platform.tus.protocol import (
    ProtocolError,
    capability_headers,
    check_version,
    effective_method,
    encode_metadata,
    http_date,
    metadata_text,
    parse_checksum,
    parse_metadata,
    parse_size,
)
from media_platform.tus.signature import check_presigned, parse_presigned

MiB = 1024**2


def status_of(call, *args) -> int:
    with pytest.raises(ProtocolError) as caught:
        call(*args)
    return caught.value.status


def test_only_version_1_0_0_is_spoken():
    check_version("1.0.0")
    assert status_of(check_version, "0.2.2") == 412
    assert status_of(check_version, None) == 412


def test_the_method_override_wins():
    assert effective_method("POST", "patch") == "PATCH"
    assert effective_method("patch", None) == "PATCH"


@pytest.mark.parametrize("value", ["0", "100", " 42 ", "9223372036854775807"])
def test_sizes_are_non_negative_integers(value):
    assert parse_size(value, "Upload-Length") == int(value)


@pytest.mark.parametrize("value", [None, "", "-1", "1.5", "1e3", "+3", "0x10", "12 3", "99999999999999999999"])
def test_anything_else_is_400(value):
    assert status_of(parse_size, value, "Upload-Offset") == 400


def test_metadata_round_trips_and_allows_empty_values():
    header = "filetype dmlkZW8vbXA0,title TXkgY2xpcCDinJM=,is_confidential"
    pairs = parse_metadata(header)
    assert pairs == {"filetype": b"video/mp4", "title": "My clip ✓".encode(), "is_confidential": b""}
    assert metadata_text(pairs, "title") == "My clip ✓"
    assert metadata_text(pairs, "is_confidential") is None and metadata_text(pairs, "absent") is None
    assert parse_metadata(encode_metadata(pairs)) == pairs
    assert parse_metadata("") == {} and parse_metadata(None) == {}


@pytest.mark.parametrize(
    "header",
    ["title\tYQ==", "title not-base64!", "title YQ==,title Yg==", "ti\x01tle YQ==", ",title YQ==", "title YQ==\r\nX:1"],
)
def test_malformed_metadata_is_400(header):
    assert status_of(parse_metadata, header) == 400


def test_metadata_that_is_not_text_is_400_when_read_as_text():
    assert status_of(metadata_text, {"title": b"\xff\xfe"}, "title") == 400


def test_checksums_name_a_supported_algorithm_and_carry_its_digest():
    digest = hashlib.sha256(b"hello world").digest()
    checksum = parse_checksum("sha256 " + base64.b64encode(digest).decode())
    assert checksum.algorithm == "sha256" and checksum.digest == digest
    hasher = checksum.hasher()
    hasher.update(b"hello world")
    assert hasher.digest() == digest
    assert parse_checksum("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=").digest == hashlib.sha1(b"hello world").digest()
    assert parse_checksum(None) is None


@pytest.mark.parametrize("header", ["crc32 AAAA", "SHA256 " + "A" * 44, "sha256 ***", "sha256 YWJj", "sha1"])
def test_unsupported_or_malformed_checksums_are_400(header):
    assert status_of(parse_checksum, header) == 400


def test_expiry_dates_are_rfc_7231():
    assert http_date(1403712000) == "Wed, 25 Jun 2014 16:00:00 GMT"


def test_the_server_announces_its_extensions():
    headers = capability_headers(1000)
    assert headers["Tus-Version"] == "1.0.0" and headers["Tus-Max-Size"] == "1000"
    assert set(headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "termination",
        "expiration",
        "checksum",
    }
    assert {"sha1", "sha256"} <= set(headers["Tus-Checksum-Algorithm"].split(","))


# --- bunny's presigned headers ------------------------------------------------------------
GUID = "6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f"


def signed(library_id="42", key="secret-key", expire="1900000000", video=GUID) -> dict:
    # bunny's documented recipe, written out independently of the code under test
    signature = hashlib.sha256(f"{library_id}{key}{expire}{video}".encode()).hexdigest()
    return {
        "AuthorizationSignature": signature,
        "AuthorizationExpire": expire,
        "VideoId": video,
        "LibraryId": library_id,
    }


def test_a_signature_made_with_the_key_passes_until_it_expires():
    presigned = parse_presigned(signed())
    assert (presigned.library_pk, presigned.expires_at, presigned.video_id) == (42, 1900000000, GUID)
    check_presigned(presigned, api_key="secret-key", now=1899999999)
    with pytest.raises(ProtocolError) as expired:
        check_presigned(presigned, api_key="secret-key", now=1900000000)
    assert expired.value.status == 403 and "expired" in expired.value.message


def test_upper_case_hex_is_the_same_signature():
    headers = signed()
    headers["AuthorizationSignature"] = headers["AuthorizationSignature"].upper()
    check_presigned(parse_presigned(headers), api_key="secret-key", now=0)


@pytest.mark.parametrize(
    "change",
    [
        {"LibraryId": "43"},
        {"AuthorizationExpire": "1900000001"},
        {"VideoId": GUID.replace("6f", "7f")},
    ],
)
def test_a_signature_covers_every_header(change):
    headers = {**signed(), **change}
    with pytest.raises(ProtocolError) as caught:
        check_presigned(parse_presigned(headers), api_key="secret-key", now=0)
    assert caught.value.status == 403


def test_a_signature_made_with_another_key_is_403():
    with pytest.raises(ProtocolError) as caught:
        check_presigned(parse_presigned(signed(key="other")), api_key="secret-key", now=0)
    assert caught.value.status == 403


@pytest.mark.parametrize(
    "change",
    [
        {"AuthorizationSignature": ""},
        {"AuthorizationSignature": "abc"},
        {"AuthorizationExpire": "soon"},
        {"LibraryId": "-1"},
        {"VideoId": " "},
    ],
)
def test_missing_or_malformed_headers_are_401(change):
    assert status_of(parse_presigned, {**signed(), **change}) == 401


# --- S3 parts from stored segments -----------------------------------------------------------
@pytest.mark.parametrize(
    ("sizes", "parts"),
    [
        # 50 MB client chunks cut into 8 MiB segments, the tail kept with the last: all copied
        ([8 * MiB] * 5 + [10 * MiB], [Part((i,), True) for i in range(6)]),
        # one small file: one part, small because it is the last
        ([3 * MiB], [Part((0,), True)]),
        # a dropped connection left a small segment: it travels with the next ones until 5 MiB
        ([8 * MiB, 2 * MiB, 8 * MiB, 8 * MiB], [Part((0,), True), Part((1, 2), False), Part((3,), True)]),
        # small segments all the way: grouped, the last group may be small
        ([2 * MiB] * 5, [Part((0, 1, 2), False), Part((3, 4), False)]),
        ([], []),
    ],
)
def test_segments_become_parts_s3_accepts(sizes, parts):
    assert plan_parts(sizes) == parts


def test_many_small_segments_still_fit_the_part_limit():
    sizes = [MiB] * 30_000
    parts = plan_parts(sizes, max_parts=10_000)
    assert len(parts) <= 10_000
    assert [i for part in parts for i in part.segments] == list(range(30_000))
    assert all(sum(sizes[i] for i in part.segments) >= 5 * MiB for part in parts[:-1])
