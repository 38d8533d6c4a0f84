"""Where the bundled data files are.

The files live at the repository's top-level ``data/`` folder. A wheel carries a copy as
``selectie/_data`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml);
an editable install reads them from the repository itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_file", "example_file"]


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "bundled file not found; looked in: "
        + ", ".join(str(c) for c in candidates)
        + ". Reinstall selectie (pip install selectie) or run from a full checkout."
    )


def _package_dir() -> Path:
    return Path(str(resources.files("selectie")))


def data_file(name: str) -> Path:
    """The path of a bundled data file, e.g. ``data_file("projects_126.csv")``.

    >>> path = data_file("projects_126.csv")
    >>> path.name, path.is_file()
    ('projects_126.csv', True)
    """
    package = _package_dir()
    return _first_existing(package / "_data" / name, package.parent / "data" / name)


def example_file(name: str) -> Path:
    """The path of a bundled example scenario, e.g. ``example_file("bijlage4.toml")``.

    >>> example_file("bijlage4.toml").is_file()
    True
    >>> example_file("missing.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileNotFoundError: bundled file not found; looked in: ...
    """
    package = _package_dir()
    return _first_existing(
        package / "_data" / "scenarios" / name, package.parent / "examples" / name
    )
