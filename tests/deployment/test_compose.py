"""compose.yaml, the Dockerfile and .dockerignore, read as Docker would (Docker itself is not here):
valid Compose, and describing what the rehearsal test runs (tests/support/production.py), in the same
order, with health checks, restart policies, pinned images and public URLs; an image whose final
stage has no npm and no test tools; a build context without var/, .venv/ or .git."""

from __future__ import annotations

import json
import re
import shlex
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from docker.utils.build import exclude_paths

from tests.support.production import DEPLOYMENT, ONE_SHOTS, SERVICES

ROOT = Path(__file__).resolve().parents[2]
BACKING = {"postgres", "redis", "minio"}
ROLES = {*ONE_SHOTS, *SERVICES}
LIVENESS = "http://127.0.0.1:8000/healthz"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_compose_yaml_is_valid_against_the_compose_specification(compose):
    # the schema that check-jsonschema ships (vendored from the Compose Specification)
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(compose)]
    assert not errors, errors


def test_the_schema_would_catch_a_mistake(compose):
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())
    broken = {**compose, "services": {**compose["services"], "web": {**compose["services"]["web"], "restart": 3}}}
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(broken))


def test_it_runs_the_rehearsals_roles_with_the_same_commands(services):
    assert set(services) == BACKING | ROLES
    for name, command in {**ONE_SHOTS, **SERVICES}.items():
        assert services[name]["command"] == command, name
        assert services[name]["image"] == "media-platform:local" and services[name]["build"] == "."


def test_every_role_gets_the_deployment_settings_pointing_at_the_services(services):
    for name in ROLES:
        environment = services[name]["environment"]
        assert set(environment) == set(DEPLOYMENT), name
    environment = services["web"]["environment"]
    assert urlsplit(environment["DATABASE_URL"]).hostname == "postgres"
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
    assert urlsplit(environment["S3_ENDPOINT_URL"]).hostname == "minio"
    assert "?" in environment["SECRET_KEY"]  # ${SECRET_KEY:?…}: refuses to start without one


def test_public_urls_are_set_and_the_public_s3_address_is_published(services):
    environment = services["web"]["environment"]
    public_s3 = environment["S3_PUBLIC_ENDPOINT_URL"]
    assert public_s3 != environment["S3_ENDPOINT_URL"] and "minio" not in public_s3
    assert "minio" not in environment["PUBLIC_BASE_URL"]
    assert "9000:9000" in services["minio"]["ports"] and "8000:8000" in services["web"]["ports"]


def test_one_shots_run_first_and_the_roles_wait_for_them(services):
    # the rehearsal runs them the same way: services ready, then the one-shots in turn, then the roles
    assert services["bucket"]["depends_on"] == {"minio": {"condition": "service_healthy"}}
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert {one_shot: depends[one_shot]["condition"] for one_shot in ONE_SHOTS} == {
            one_shot: "service_completed_successfully" for one_shot in ONE_SHOTS
        }, name
        assert depends["redis"] == {"condition": "service_healthy"}


def test_health_checks_and_restart_policies(services):
    for name in BACKING:
        assert services[name]["healthcheck"]["test"][0] == "CMD", name
    assert LIVENESS in services["web"]["healthcheck"]["test"][-1]
    for name in ("worker", "cron", *ONE_SHOTS):
        assert services[name]["healthcheck"] == {"disable": True}, name  # not the image's HTTP check
    for name in BACKING | set(SERVICES):
        assert services[name]["restart"] == "unless-stopped", name
    for name in ONE_SHOTS:
        assert services[name]["restart"] == "no", name


def test_images_are_pinned(services):
    images = [services[name]["image"] for name in BACKING] + from_lines()
    for image in images:
        assert re.fullmatch(r"[\w./-]+:[\w.-]*\d[\w.-]*", image), image
        assert not image.endswith(":latest")


def from_lines() -> list[str]:
    return [line.split()[1] for line in dockerfile_lines() if line.startswith("FROM ")]


def dockerfile_lines() -> list[str]:
    """Instructions, with continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def final_stage() -> list[str]:
    lines = dockerfile_lines()
    last = max(index for index, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last:]


def test_the_final_image_has_no_npm_and_no_test_tools():
    stage = " ".join(final_stage())
    assert "npm" not in stage and "nodejs" not in stage
    assert "requirements.txt" not in stage.replace("requirements-runtime.txt", "")
    runtime = (ROOT / "requirements-runtime.txt").read_text().lower()
    for tool in ("pytest", "moto", "playwright", "hypothesis", "schemathesis", "ruff"):
        assert tool not in runtime, tool
    packages = " ".join(line for line in dockerfile_lines() if "pip install" in line)
    assert "-r /tmp/requirements-runtime.txt" in packages and "requirements.txt" not in packages


def test_the_image_checks_its_health_and_runs_web_by_default():
    stage = final_stage()
    (healthcheck,) = [line for line in stage if line.startswith("HEALTHCHECK ")]
    assert LIVENESS in healthcheck
    (command,) = [line for line in stage if line.startswith("CMD ")]
    assert json.loads(command.removeprefix("CMD ")) == SERVICES["web"]


def test_ci_installs_the_runtime_requirements_too():
    assert "-r requirements-runtime.txt" in (ROOT / "requirements.txt").read_text().splitlines()


def test_the_build_context_leaves_out_local_state_and_development():
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    context = set(exclude_paths(str(ROOT), patterns, dockerfile="Dockerfile"))
    tops = {path.split("/", 1)[0] for path in context}
    assert not tops & {"var", ".venv", ".git", "tests", "bench", "test-artifacts"}, tops
    assert not [path for path in context if "__pycache__" in path or path.startswith("media_platform/static/vendor")]
    # while everything the Dockerfile copies by name is there
    assert {"manage.py", "requirements-runtime.txt", "config/settings.py", "media_platform/models/video.py"} <= context


def test_the_build_context_would_leave_out_a_local_var_folder(tmp_path):
    # (the checkout may have no var/ yet: the same patterns, on a folder that has one)
    for name in ("var/secret_key", "var/db.sqlite3", "manage.py", ".git/HEAD"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert set(exclude_paths(str(tmp_path), patterns)) == {"manage.py"}


def test_the_readme_shows_what_compose_runs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    for command in {**ONE_SHOTS, **SERVICES}.values():
        assert shlex.join(command) in section, shlex.join(command)
    for name in DEPLOYMENT:
        assert f"`{name}`" in readme, name
