"""Per-title quality presets vs the fixed CRFs they replaced, on the same sources.

    .venv/bin/python bench/quality/run.py [--seconds 20] [--size 1280x720] [--codec h264]

For each source and preset (standard 90, optimal 93, premium 96): the fixed CRF the request API
used before (the baseline), and the per-title CRF found on samples, each encoded whole with the
platform's planner and scored with libvmaf on the whole output. Per-title encoding's point: every
output lands at its promised VMAF, spending fewer bits where the picture is easy and the bits a
hard picture needs to keep the promise. Timings: the sample search (cuts + probes), the encode,
the final measurement.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.engine import django_setup  # noqa: E402
from bench.stack import ROOT, table, write_results  # noqa: E402
from media_platform.engine.plan import EncodeContext, plan_process  # noqa: E402
from media_platform.engine.probe import probe_file  # noqa: E402
from media_platform.engine.quality import sample_windows, search_crf  # noqa: E402
from media_platform.engine.spec import Mp4Job, Rendition, VideoSettings  # noqa: E402
from media_platform.engine.vmaf import Samples, Tools, measure_output  # noqa: E402

SOURCES = {
    # name: lavfi graph of one third of the source ({seconds}: that third's length), three thirds
    "simple": ["testsrc2=size={size}:rate=30:duration={seconds}"] * 3,
    "detailed": ["testsrc2=size={size}:rate=30:duration={seconds},noise=alls=12:allf=t"] * 3,
    # Content that changes: a flat pattern, a fractal zoom, noise. Samples at 1/6, 3/6, 5/6 see each.
    "mixed": [
        "testsrc2=size={size}:rate=30:duration={seconds}",
        "mandelbrot=size={size}:rate=30,trim=duration={seconds},setpts=PTS-STARTPTS",
        "testsrc2=size={size}:rate=30:duration={seconds},noise=alls=12:allf=t",
    ],
}


def presets() -> tuple[dict, dict]:
    """The request API's tables: (fixed CRFs it used before, VMAF targets). Its module needs Django;
    the engine itself does not."""
    django_setup()
    from media_platform.api.slashed.translate import CRF, VMAF

    return CRF, VMAF


CRF, VMAF = presets()


def make_source(name: str, seconds: int, size: str) -> Path:
    path = ROOT / "var" / "bench" / f"quality-{name}-{seconds}s-{size}.mp4"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    thirds = [graph.format(size=size, seconds=seconds / 3) for graph in SOURCES[name]]
    inputs = [arg for graph in thirds for arg in ("-f", "lavfi", "-i", graph)]
    joined = "".join(f"[{i}:v]" for i in range(3)) + "concat=n=3:v=1:a=0,format=yuv420p[v]"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", joined, "-map", "[v]",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "10", str(path)],
        check=True,
    )  # fmt: skip
    return path


def encode(tools: Tools, source: Path, info, job: Mp4Job, work: Path) -> dict:
    ctx = EncodeContext(input_path=str(source))
    (invocation,) = plan_process([(0, job)], info, ctx)
    started = time.perf_counter()
    subprocess.run(invocation.argv, cwd=work, check=True, capture_output=True)
    encoded = time.perf_counter() - started
    output = work / job.filename
    started = time.perf_counter()
    score = measure_output(tools, job, job.rendition, info, ctx, output)
    return {
        "kbps": round(output.stat().st_size * 8 / info.duration / 1000),
        "vmaf": round(score.vmaf, 2),
        "encode_s": round(encoded, 1),
        "measure_s": round(time.perf_counter() - started, 1),
    }


def per_title(tools: Tools, source: Path, info, codec: str, preset: str, work: Path) -> dict:
    video = VideoSettings(codec=codec, vmaf_target=VMAF[preset])
    job = Mp4Job(filename=f"{preset}-per-title.mp4", rendition=Rendition(preset, video=video))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=work) as folder:
        samples = Samples(tools, Path(folder), job, job.rendition, info, EncodeContext(input_path=str(source)))
        samples.cut(sample_windows(info.duration))
        choice = search_crf(samples.score, codec=codec, target=VMAF[preset])
    search = time.perf_counter() - started
    job = replace(job, rendition=replace(job.rendition, video=replace(video, crf=choice.crf)))
    result = encode(tools, source, info, job, work)
    return {
        **result,
        "crf": choice.crf,
        "predicted": choice.predicted,
        "probes": len(choice.probes),
        "search_s": round(search, 1),
    }


def fixed(tools: Tools, source: Path, info, codec: str, preset: str, work: Path) -> dict:
    video = VideoSettings(codec=codec, crf=CRF[codec][preset])
    job = Mp4Job(filename=f"{preset}-fixed.mp4", rendition=Rendition(preset, video=video))
    return {**encode(tools, source, info, job, work), "crf": CRF[codec][preset]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--codec", default="h264", choices=sorted(CRF))
    parser.add_argument("--sources", default=",".join(SOURCES))
    args = parser.parse_args()
    import imageio_ffmpeg

    tools = Tools(
        "ffmpeg", os.environ.get("VMAF_FFMPEG_BINARY") or imageio_ffmpeg.get_ffmpeg_exe(), os.cpu_count() or 1
    )
    rows, runs = [], []
    for name in args.sources.split(","):
        source = make_source(name, args.seconds, args.size)
        info = probe_file(str(source))
        for preset in VMAF:
            with tempfile.TemporaryDirectory(prefix="bench-quality-") as work:
                base = fixed(tools, source, info, args.codec, preset, Path(work))
                mine = per_title(tools, source, info, args.codec, preset, Path(work))
            saved = round(100 * (1 - mine["kbps"] / base["kbps"]), 1)
            rows.append([name, preset, VMAF[preset], base["crf"], base["kbps"], base["vmaf"], mine["crf"],
                         mine["kbps"], mine["vmaf"], f"{saved:+g}", mine["probes"], mine["search_s"],
                         mine["encode_s"], mine["measure_s"]])  # fmt: skip
            runs.append({"source": name, "preset": preset, "target": VMAF[preset], "fixed": base, "per_title": mine})
            print(rows[-1], flush=True)
    headers = ["source", "preset", "target", "fixed CRF", "fixed kbps", "fixed VMAF", "CRF", "kbps", "VMAF",
               "bits saved %", "probes", "search s", "encode s", "measure s"]  # fmt: skip
    print(table(rows, headers))
    summary = {"seconds": args.seconds, "size": args.size, "codec": args.codec, "runs": runs}
    print(f"results: {write_results('quality', summary)}")


if __name__ == "__main__":
    main()
