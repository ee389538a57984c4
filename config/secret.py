"""A SECRET_KEY for the embedded default, generated once and kept under var/."""

import secrets
from pathlib import Path


def embedded_secret_key(var_dir: Path) -> str:
    path = Path(var_dir) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when web and worker start together, one writes and the other reads it back.
    try:
        with open(path, "x") as handle:
            handle.write(key)
        path.chmod(0o600)
        return key
    except FileExistsError:
        return path.read_text().strip()
