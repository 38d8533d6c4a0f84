"""Writing output files safely: atomically, and never over an input file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ._safe import neutralise_cell
from .errors import InputError

__all__ = ["safe_cell", "write_atomic"]


def write_atomic(path: Path, data: bytes, *, protect: Iterable[str | Path | None] = ()) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file remains.

    Refuses (with :class:`~selectie.errors.InputError`) to write over any of ``protect`` (the
    input files of the run) or onto a folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "out.txt", b"13 cases")
    >>> (folder / "out.txt").read_bytes()
    b'13 cases'
    >>> write_atomic(folder / "out.txt", b"x", protect=[folder / "out.txt"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    selectie.errors.InputError: refusing to write the output to '...out.txt': it is an input ...
    >>> (folder / "out.txt").read_bytes()  # the input file is untouched
    b'13 cases'
    """
    target = Path(path)
    resolved = target.resolve()
    for other in protect:
        if other is not None and Path(other).exists() and Path(other).resolve() == resolved:
            raise InputError(
                f"refusing to write the output to {str(target)!r}: it is an input file of this run",
                hint="Choose another --output path; input files are never modified.",
            )
    if target.is_dir():
        raise InputError(
            f"cannot write the output to {str(target)!r}: it is a folder",
            hint="Give a file name, e.g. --output selection.json.",
        )
    parent = resolved.parent
    if not parent.is_dir():
        raise InputError(
            f"cannot write the output to {str(target)!r}: folder {str(parent)!r} does not exist"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        # mkstemp creates the file readable by its owner only; give it the permissions any
        # new file gets (0666 less the umask), or keep those of the file it replaces.
        mode = _existing_mode(resolved)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, resolved)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _existing_mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return None


#: The one neutralising function for spreadsheet-unsafe cells lives in :mod:`selectie._safe`;
#: ``safe_cell`` is its old name here.
safe_cell = neutralise_cell
