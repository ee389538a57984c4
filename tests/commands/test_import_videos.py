"""import_videos: files, folders, lists and URLs into a library, then encoded like uploads."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from media_platform.models import Collection, Video
from media_platform.storage import open_read
from tests.support.workers import run_burst


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_videos", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_files_folders_lists_and_urls_are_imported_and_encoded(library_keys, clip, tmp_path, receiver):
    source = clip("import.mp4", duration=1)
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    shutil.copy(source, folder / "a.mp4")
    shutil.copy(source, folder / "day2" / "b.MOV")
    (folder / "notes.txt").write_text("not a video")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# one a line\n\n{source}\n")
    receiver.files["/remote.mp4"] = source

    out = run(
        str(library_keys.id), str(folder), f"{receiver.url}/remote.mp4",
        "--from-file", str(listing), "--collection", "Imported",
    )  # fmt: skip

    lines = out.strip().splitlines()
    assert lines[-1] == "4 video(s) imported, 0 failed"
    assert [line.split("\t")[1] for line in lines[:-1]] == [
        str(folder / "a.mp4"),
        str(folder / "day2" / "b.MOV"),
        f"{receiver.url}/remote.mp4",
        str(source),
    ]
    collection = Collection.objects.get(library=library_keys.library, name="Imported")
    videos = Video.objects.filter(library=library_keys.library)
    assert sorted(videos.values_list("title", flat=True)) == ["a.mp4", "b.MOV", "import.mp4", "remote.mp4"]
    assert {video.collection_id for video in videos} == {collection.pk}
    stored = videos.get(title="a.mp4")
    with open_read(stored.original_name) as handle:
        assert handle.read() == source.read_bytes()  # streamed into storage as it was

    run_burst()
    assert set(Video.objects.values_list("status", flat=True)) == {4}
    run(str(library_keys.id), str(source), "--collection", "Imported")  # the collection is reused
    assert Collection.objects.filter(name="Imported").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "x.mp4"], "No library 999999"),
        ([], "Name at least one file"),
        (["/no/such/file.mp4"], "no such file, folder or URL"),
        (["--from-file", "/no/such/list.txt"], "--from-file /no/such/list.txt"),
    ],
)
def test_mistakes_stop_before_anything_is_imported(library_keys, args, message):
    args = args if args and args[0] == "999999" else [str(library_keys.id), *args]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Video.objects.exists()
