"""Compiled queries against real rows: the selected set and its order are what a user expects."""

from datetime import UTC, datetime

import pytest

from media_platform.engine.issues import IssueCode, Severity
from media_platform.models import Collection, TranscodingMessage, Video
from media_platform.query import DEFAULT_QUERY
from media_platform.query.compile import CompiledQuery, compile_query, filter_videos
from media_platform.query.errors import QuerySyntaxError
from media_platform.services.libraries import library_create


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment around new year 2026 (day 31 is 2025-12-31)."""
    return datetime(2025 if day == 31 else 2026, 12 if day == 31 else 1, day, hour, minute, second, tzinfo=UTC)


def message(video: Video, level: Severity) -> TranscodingMessage:
    return TranscodingMessage.objects.create(
        video=video, level=level, issue_code=IssueCode.ORIGINAL_CORRUPTED, message="the original is corrupted"
    )


# Five videos that differ in every field the queries below look at.
VIDEOS = {
    "launch": dict(
        title="Launch day", status=4, length=120, width=1920, height=1080, is_public=True, framerate=30,
        description="Big launch", category="events", date_uploaded=at(1, 10), outputs_prefix="videos/1/v1/",
        has_original=True,
    ),
    "recap": dict(
        title="launch recap", status=4, length=60, width=1280, height=720, framerate=29.97,
        date_uploaded=at(2, 0, 30), outputs_prefix="videos/2/v1/", has_mp4_fallback=True,
    ),
    "broken": dict(
        title="Broken upload", status=6, description="it's broken", category="", date_uploaded=at(31, 23, 59),
    ),
    "processing": dict(
        title="Processing 100%", status=2, length=30, width=640, height=360, description="50% done_",
        date_uploaded=at(1, 23, 59, 59), rotation=90,
    ),
    "backslash": dict(title="C:\\temp", status=5, rotation=0, date_uploaded=at(3, 12)),
}  # fmt: skip


@pytest.fixture
def videos(make_video, library):
    made = {name: make_video(**fields) for name, fields in VIDEOS.items()}
    made["trailers"] = trailers = Collection.objects.create(library=library, name="Trailers")
    Video.objects.filter(pk__in=[made["launch"].pk, made["backslash"].pk]).update(collection=trailers)
    message(made["broken"], Severity.ERROR)
    message(made["broken"], Severity.ERROR)  # two errors must still be one row
    message(made["processing"], Severity.WARNING)
    other_library, _ = library_create(name="Elsewhere")
    make_video(title="Launch day elsewhere", library=other_library, status=4, date_uploaded=at(1))
    made["library"] = library
    return made


def selected(text: str, library) -> list[str]:
    queryset = Video.objects.filter(library=library).order_by("title")
    return list(filter_videos(queryset, text).values_list("title", flat=True))


ALL = ["Broken upload", "C:\\temp", "Launch day", "Processing 100%", "launch recap"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, titles",
    [
        ("", ALL),
        ("SELECT * FROM Video", ALL),
        ('SELECT * FROM Document WHERE ecm:mixinType = "Video"', ALL),
        (DEFAULT_QUERY, ["Broken upload", "C:\\temp", "Processing 100%"]),
        ("vid:transcodedVideos/0/name IS NOT NULL", ["Launch day", "launch recap"]),
        ("ecm:isVersion = 1", []),
        ("NOT ecm:isProxy = 0 OR status = 5", ["C:\\temp"]),
        # the issue's example
        ("status = 4 AND title LIKE '%launch%'", ["launch recap"]),
        ("status = 'Finished' AND title ILIKE '%launch%'", ["Launch day", "launch recap"]),
        ("status IN ('error', 'UploadFailed')", ["Broken upload", "C:\\temp"]),
        ("status NOT IN (4, 5)", ["Broken upload", "Processing 100%"]),
        ("status <> 4 AND status != 6", ["C:\\temp", "Processing 100%"]),
        # LIKE is case-sensitive, ILIKE is not; % and _ escape with a backslash
        ("title LIKE 'Launch%'", ["Launch day"]),
        ("title LIKE 'launch%'", ["launch recap"]),
        ("title ILIKE 'LAUNCH%'", ["Launch day", "launch recap"]),
        ("title LIKE 'Launch day'", ["Launch day"]),
        ("title LIKE 'launch day'", []),
        ("title ILIKE 'launch DAY'", ["Launch day"]),
        ("title LIKE '%100\\%'", ["Processing 100%"]),
        ("title LIKE '%0\\%'", ["Processing 100%"]),
        ("title LIKE '%1_0%'", ["Processing 100%"]),
        ("title LIKE '_aunch%'", ["Launch day", "launch recap"]),
        ("title LIKE 'C:\\\\\\\\temp'", ["C:\\temp"]),
        ("title = 'C:\\\\temp'", ["C:\\temp"]),
        ("description LIKE '50\\%%'", ["Processing 100%"]),
        ("description LIKE '%done\\_'", ["Processing 100%"]),
        ("description LIKE '%'", ["Broken upload", "Launch day", "Processing 100%"]),
        ("title NOT LIKE '%a%'", ["C:\\temp", "Processing 100%"]),
        ("title NOT ILIKE '%A%'", ["C:\\temp", "Processing 100%"]),
        # NULL: operators skip it, NOT is the complement, IS NULL finds it
        ("description = 'it''s broken'", ["Broken upload"]),
        ("description <> 'Big launch'", ["Broken upload", "Processing 100%"]),
        ("NOT description = 'Big launch'", ["Broken upload", "C:\\temp", "Processing 100%", "launch recap"]),
        ("description NOT LIKE 'Big%'", ["Broken upload", "Processing 100%"]),
        ("description IS NULL", ["C:\\temp", "launch recap"]),
        ("category IS NOT NULL", ["Broken upload", "Launch day"]),
        ("category = ''", ["Broken upload"]),
        ("rotation < 180", ["C:\\temp", "Processing 100%"]),
        ("rotation NOT BETWEEN 1 AND 360", ["C:\\temp"]),
        ("NOT rotation BETWEEN 1 AND 360", ["Broken upload", "C:\\temp", "Launch day", "launch recap"]),
        # numbers and booleans
        ("length BETWEEN 30 AND 60", ["Processing 100%", "launch recap"]),
        ("width >= 1280 AND height < 1080", ["launch recap"]),
        ("framerate = 29.97", ["launch recap"]),
        ("framerate > 29", ["Launch day", "launch recap"]),
        ("isPublic = TRUE", ["Launch day"]),
        ("is_public = 0", ["Broken upload", "C:\\temp", "Processing 100%", "launch recap"]),
        ("hasMP4Fallback = 1 OR hasOriginal = TRUE", ["Launch day", "launch recap"]),
        # dates: DATE compares the UTC day, TIMESTAMP the moment
        ("dateUploaded = DATE '2026-01-01'", ["Launch day", "Processing 100%"]),
        ("dc:created < DATE '2026-01-01'", ["Broken upload"]),
        (
            "dateUploaded BETWEEN DATE '2026-01-01' AND DATE '2026-01-02'",
            ["Launch day", "Processing 100%", "launch recap"],
        ),
        ("dateUploaded >= TIMESTAMP '2026-01-01T23:59:59'", ["C:\\temp", "Processing 100%", "launch recap"]),
        ("dateUploaded > TIMESTAMP '2026-01-02 02:30:00+02:00'", ["C:\\temp"]),
        ("dateUploaded > '2026-01-02T00:00:00Z'", ["C:\\temp", "launch recap"]),
        ("date_uploaded IN (DATE '2025-12-31', DATE '2026-01-03')", ["Broken upload", "C:\\temp"]),
        # precedence
        ("status = 4 OR status = 6 AND length > 0", ["Launch day", "launch recap"]),
        ("(status = 4 OR status = 6) AND length > 60", ["Launch day"]),
        ("NOT status = 4 AND NOT status = 6", ["C:\\temp", "Processing 100%"]),
        ("NOT (status = 4 OR status = 6)", ["C:\\temp", "Processing 100%"]),
        # derived: errors counted once however many messages a video has
        ("hasErrors = TRUE", ["Broken upload"]),
        ("hasErrors = FALSE", ["C:\\temp", "Launch day", "Processing 100%", "launch recap"]),
        ("hasErrors = 1 OR status = 2", ["Broken upload", "Processing 100%"]),
        ("NOT hasErrors = 1 AND status IN (2, 6)", ["Processing 100%"]),
    ],
)
def test_queries_select_the_expected_videos(videos, text, titles):
    assert selected(text, videos["library"]) == titles


@pytest.mark.django_db
def test_identifiers_library_and_collection(videos):
    guid, library, trailers = videos["launch"].guid, videos["library"], videos["trailers"]
    assert selected(f"guid = '{guid}'", library) == ["Launch day"]
    assert selected(f"ecm:uuid IN ('{str(guid).upper()}')", library) == ["Launch day"]
    assert selected(f"collectionId = '{trailers.guid}'", library) == ["C:\\temp", "Launch day"]
    assert selected(f"collection <> '{trailers.guid}'", library) == []
    assert selected("collectionId IS NULL", library) == ["Broken upload", "Processing 100%", "launch recap"]
    everywhere = Video.objects.order_by("title")
    in_library = filter_videos(everywhere, f"videoLibraryId = {library.pk} AND title LIKE 'Launch%'")
    assert [video.title for video in in_library] == ["Launch day"]
    assert filter_videos(everywhere, f"library <> {library.pk}").get().title == "Launch day elsewhere"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, titles",
    [
        ("ORDER BY length DESC, title", ["Launch day", "launch recap", "Processing 100%", "Broken upload", "C:\\temp"]),
        ("status = 4 ORDER BY dateUploaded", ["Launch day", "launch recap"]),
        ("status = 4 ORDER BY dc:created DESC", ["launch recap", "Launch day"]),
        ("SELECT * FROM Video WHERE width > 0 ORDER BY width ASC", ["Processing 100%", "launch recap", "Launch day"]),
    ],
)
def test_order_by_orders(videos, text, titles):
    assert selected(text, videos["library"]) == titles


def test_compile_query_returns_a_q_and_an_ordering():
    compiled = compile_query("status = 4 ORDER BY dateUploaded DESC, title")
    assert isinstance(compiled, CompiledQuery)
    assert compiled.order_by == ["-date_uploaded", "title"]
    assert compile_query("status = 4").order_by == []


def test_compile_query_raises_positioned_errors():
    with pytest.raises(QuerySyntaxError) as caught:
        compile_query("SELECT * FROM Video WHERE titel = 'a'")
    assert caught.value.position == 26
    assert "Unknown field 'titel' at position 26. Did you mean title?" in caught.value.message


@pytest.mark.django_db
def test_the_default_query_follows_publishing(make_video):
    # given a video before and after its outputs are published
    video = make_video(title="new")
    assert list(filter_videos(Video.objects.all(), DEFAULT_QUERY)) == [video]
    Video.objects.filter(pk=video.pk).update(outputs_prefix="videos/1/v1/")
    # then it no longer needs recomputing
    assert list(filter_videos(Video.objects.all(), DEFAULT_QUERY)) == []
