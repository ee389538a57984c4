import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from media_platform.engine.diagnostics import Limits, check_source, classify_failure
from media_platform.engine.finish import FinishError, apply_finishers
from media_platform.engine.issues import InputError
from media_platform.engine.ladder import DEFAULT_ENABLED, RUNGS, parse_resolutions
from media_platform.engine.plan import EncodeContext, Invocation, plan_process
from media_platform.engine.probe import SourceInfo, probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import Job
from media_platform.models import EncodingProcess, Library
from media_platform.services.pipeline.recipes import bunny_video_jobs


def video_jobs(info: SourceInfo, resolutions: list[str], mp4_fallback: bool) -> list[Job]:
    """Exactly the jobs an upload gets. The rows are never saved: they only carry the settings."""
    library = Library(enabled_resolutions=",".join(resolutions), mp4_fallback=mp4_fallback)
    process = EncodingProcess(library=library, recipe={"name": "bunny_video", "resolutions": resolutions})
    return bunny_video_jobs(process, info)


class Command(BaseCommand):
    help = (
        "Encode one local file the way an upload is encoded (HLS ladder, thumbnail, preview, storyboard) into a "
        "folder, with no database or storage involved. Prints the outputs written."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="IN", help="The video file.")
        parser.add_argument("--out", required=True, metavar="DIR", help="Where the outputs go (made if missing).")
        parser.add_argument(
            "--resolutions", default=",".join(DEFAULT_ENABLED), help=f"Renditions, of {', '.join(RUNGS)}."
        )
        parser.add_argument("--mp4-fallback", action="store_true", help="Also write play_{resolution}.mp4 up to 720p.")

    def handle(self, *args, **options):
        source = Path(options["input"]).expanduser().resolve()
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        resolutions = parse_resolutions(options["resolutions"])
        if not resolutions:
            raise CommandError(f"--resolutions names none of {', '.join(RUNGS)}")
        out = Path(options["out"]).expanduser().resolve()
        out.mkdir(parents=True, exist_ok=True)
        info = self._probe(source)
        jobs = video_jobs(info, resolutions, options["mp4_fallback"])
        context = EncodeContext(
            input_path=str(source),
            ffmpeg=settings.FFMPEG_BINARY,
            threads=settings.FFMPEG_THREADS,
            max_pixels=settings.MAX_SOURCE_PIXELS,
        )
        invocations = plan_process(list(enumerate(jobs)), info, context)
        self._run(invocations, info, out)
        for invocation in invocations:
            for planned in invocation.files:
                self.stdout.write(f"{planned.role}\t{out / planned.path}")

    def _probe(self, source: Path) -> SourceInfo:
        try:
            info = probe_file(str(source), ffprobe=settings.FFPROBE_BINARY)
        except InputError as exc:
            raise CommandError(exc.issue.message) from exc
        limits = Limits(max_duration=settings.MAX_SOURCE_DURATION, max_pixels=settings.MAX_SOURCE_PIXELS)
        for issue in check_source(info, limits):
            if issue.is_fatal:
                raise CommandError(issue.message)
            self.stderr.write(f"warning: {issue.message}")
        return info

    def _run(self, invocations: list[Invocation], info: SourceInfo, out: Path) -> None:
        total = sum(invocation.weight for invocation in invocations) or 1.0
        done = 0.0
        with tqdm(total=100, unit="%", desc="encode", file=sys.stderr, bar_format="{l_bar}{bar}| {elapsed}") as bar:
            for invocation in invocations:

                def on_progress(fraction: float, start=done, weight=invocation.weight) -> None:
                    bar.n = round(min(100.0, (start + fraction * weight) / total * 100), 1)
                    bar.refresh()

                self._invoke(invocation, info, out, on_progress)
                done += invocation.weight
            bar.n = 100
            bar.refresh()

    def _invoke(self, invocation: Invocation, info: SourceInfo, out: Path, on_progress) -> None:
        for folder in invocation.directories:
            (out / folder).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(
            invocation.argv,
            cwd=out,
            duration=invocation.duration,
            frames=invocation.frames,
            on_progress=on_progress,
            timeout=300 + info.duration * settings.FFMPEG_TIMEOUT_FACTOR,
        )
        if not result.ok:
            issue = classify_failure(result)
            reason = issue.message if issue else " | ".join(result.stderr_tail[-3:])
            raise CommandError(f"ffmpeg failed: {reason}")
        try:
            apply_finishers(
                out,
                invocation.finishers,
                invocation.scratch,
                ffmpeg_binary=settings.FFMPEG_BINARY,
                ffprobe=settings.FFPROBE_BINARY,
            )
        except FinishError as exc:
            raise CommandError(f"Assembling the outputs failed: {exc}") from exc
