"""What may import what (docs/ARCHITECTURE.md): read from the source's import statements, so a
layer that reaches where it must not fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "media_platform"
DIALECTS = ("bunny", "vidinfra", "slashed", "tpstreams", "nuxeo")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module the file imports, relative imports resolved, function-local ones included."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)  # `from x import submodule`
    return found


def files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def offenders(paths: list[Path], forbidden) -> list[str]:
    return [
        f"{module_name(path)} imports {name}"
        for path in paths
        for name in sorted(imports(path))
        if forbidden(path, name)
    ]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def test_the_engine_is_plain_python():
    """No Django, and nothing of the platform's beyond the engine itself."""
    found = offenders(
        files("engine"),
        lambda path, name: (
            within(name, "django") or (within(name, "media_platform") and not within(name, "media_platform.engine"))
        ),
    )
    assert found == []


def test_the_query_language_needs_django_in_one_module_only():
    """Pure but for compile.py; status.py (the status enums) is pure too."""
    compile_module = ROOT / "query" / "compile.py"
    mine = ("media_platform.query", "media_platform.status")
    found = offenders(
        [path for path in files("query") if path != compile_module],
        lambda path, name: (
            within(name, "django") or (within(name, "media_platform") and not any(within(name, own) for own in mine))
        ),
    )
    assert found == []


@pytest.mark.parametrize(
    "layer", ["engine", "query", "models", "services", "selectors", "storage", "net", "webhooks", "jobs", "playback"]
)
def test_below_the_api_nothing_imports_a_dialect_or_the_admin(layer):
    found = offenders(
        files(layer),
        lambda path, name: within(name, "media_platform.api") or within(name, "media_platform.admin"),
    )
    assert found == []


def test_the_core_modules_do_not_import_the_api():
    modules = [ROOT / name for name in ("status.py", "dialects.py", "crypto.py")]
    assert offenders(modules, lambda path, name: within(name, "media_platform.api")) == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_dialect_shares_only_the_common_kit_with_the_others(dialect):
    others = [f"media_platform.api.{other}" for other in DIALECTS if other != dialect]
    found = offenders(files(f"api/{dialect}"), lambda path, name: any(within(name, other) for other in others))
    assert found == []


def test_every_dialect_package_is_in_the_registry():
    from media_platform.api.dialects import DIALECTS as REGISTERED

    packages = {path.name for path in (ROOT / "api").iterdir() if path.is_dir() and (path / "urls.py").exists()}
    packages -= {"docs"}
    assert {dialect.name for dialect in REGISTERED} == packages == set(DIALECTS)
    assert all(dialect.urls == f"media_platform.api.{dialect.name}.urls" for dialect in REGISTERED)
