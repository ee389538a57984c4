import pytest

from media_platform.engine.names import UnsafeName, name_problem, safe_join


@pytest.mark.parametrize("name", ["video.mp4", "a/b/c.jpg", "/dir/out_%d.jpg", "encoded_av1_1080p.mp4", "x y.mp4"])
def test_plain_relative_names_pass(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "",
        " ",
        "../x.mp4",
        "a/../../x",
        "a\\b.mp4",
        "x.mp4|[f=mp4]evil.mp4",
        "out:x.mp4",
        "a\x00.mp4",
        "[f=hls]x",
        "/",
        "a,b.mp4",
    ],
)
def test_names_that_escape_or_inject_are_refused(name):
    assert name_problem(name) is not None
    with pytest.raises(UnsafeName):
        safe_join("job", name)


def test_join_drops_leading_slashes():
    assert safe_join("/dir/", "/out.mp4") == "dir/out.mp4"
