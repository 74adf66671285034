"""User preferences stored as JSON in the user config folder (Qt-free).

The folder is ``platformdirs.user_config_dir("grabseg")`` unless the environment
variable ``GRABSEG_CONFIG_DIR`` names another one (tests point it at a tmp dir).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

ENGINES: tuple[str, ...] = ("native", "opencv")
THEMES: tuple[str, ...] = ("light", "dark")
CONFIG_ENV = "GRABSEG_CONFIG_DIR"
DATA_ENV = "GRABSEG_DATA_DIR"


@dataclass(frozen=True)
class Preferences:
    """Engine, iterations, brush size (image px), overlay opacity (0-1) and theme."""

    engine: str = "native"
    iterations: int = 5
    brush_radius: float = 8.0
    overlay_opacity: float = 0.45
    theme: str = "light"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {self.engine!r}")
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}, got {self.theme!r}")
        if not isinstance(self.iterations, int) or not 1 <= self.iterations <= 50:
            raise ValueError(f"iterations must be an integer in [1, 50], got {self.iterations!r}")
        if not 1 <= float(self.brush_radius) <= 500:
            raise ValueError(f"brush_radius must be in [1, 500] pixels, got {self.brush_radius!r}")
        if not 0 <= float(self.overlay_opacity) <= 1:
            raise ValueError(f"overlay_opacity must be in [0, 1], got {self.overlay_opacity!r}")


def config_dir() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("grabseg"))


def data_dir() -> Path:
    """Where grabseg keeps its own files (the demo project); ``GRABSEG_DATA_DIR`` overrides."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("grabseg"))


def preferences_path() -> Path:
    return config_dir() / "preferences.json"


def load_preferences(path: Path | None = None) -> tuple[Preferences, str | None]:
    """Read preferences; return defaults plus a warning message if the file is unusable."""
    path = preferences_path() if path is None else path
    if not path.exists():
        return Preferences(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
        known = {f.name for f in fields(Preferences)}
        return replace(Preferences(), **{k: v for k, v in raw.items() if k in known}), None
    except (OSError, ValueError, TypeError) as exc:
        return Preferences(), f"ignored preferences file {path}: {exc}"


def save_preferences(prefs: Preferences, path: Path | None = None) -> Path:
    """Write preferences atomically (temp file + ``os.replace``)."""
    path = preferences_path() if path is None else path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".preferences-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(prefs), fh, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
