"""Writing output files safely: atomically, and never over an input file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ._safe import neutralise_cell
from .errors import InputError
from .i18n import _

__all__ = ["check_writable", "safe_cell", "write_all_atomic", "write_atomic"]


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
    write_all_atomic([(Path(path), data)], protect=protect)


def write_all_atomic(
    files: Sequence[tuple[Path, bytes]], *, protect: Iterable[str | Path | None] = ()
) -> None:
    """Write several files all or nothing: each goes to a temporary file in its own folder
    first, and only when every one of them is written in full are they renamed into place.
    A failure on any of them (a full disk, a folder gone) removes every temporary file and
    leaves every target as it was. The checks of :func:`write_atomic` apply to each file.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_all_atomic([(folder / "a.csv", b"a"), (folder / "b.csv", b"b")])
    >>> sorted(p.name for p in folder.iterdir())
    ['a.csv', 'b.csv']
    >>> write_all_atomic([(folder / "a.csv", b"new"), (folder / "no" / "c.csv", b"c")])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    selectie.errors.InputError: cannot write the output to '...c.csv': folder '...no' does not exist
    Create the folder first, or give a path in an existing folder.
    >>> (folder / "a.csv").read_bytes()  # untouched: nothing is written unless all can be
    b'a'
    """
    protected = [Path(p).resolve() for p in protect if p is not None and Path(p).exists()]
    targets = [Path(path) for path, _data in files]
    for target in targets:
        if target.resolve() in protected:
            raise InputError(
                _("refusing to write the output to {path}: it is an input file of this run").format(
                    path=repr(str(target))
                ),
                hint=_("Choose another --output path; input files are never modified."),
            )
        if target.is_dir():
            raise InputError(
                _is_folder(target), hint=_("Give a file name, e.g. --output selection.json.")
            )
        check_writable(target)
    staged: list[tuple[Path, str]] = []
    current = targets[0] if targets else Path()
    try:
        for target, (_path, data) in zip(targets, files, strict=True):
            current = target
            staged.append((target, _stage(target, data)))
        for target, tmp in staged:
            current = target
            os.replace(tmp, target.resolve())
    except BaseException as exc:
        for _target, tmp in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):  # a file system gone read-only between the renames, ...
            raise _cannot_write(current, exc) from None
        raise


def _stage(target: Path, data: bytes) -> str:
    """``data`` in a new temporary file beside ``target``; returns its path."""
    resolved = target.resolve()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=resolved.parent)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        # mkstemp creates the file readable by its owner only; give it the permissions any
        # new file gets (0666 less the umask), or keep those of the file it replaces.
        mode = _existing_mode(resolved)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from None
        raise
    return tmp


def check_writable(path: str | Path) -> Path:
    """Raise :class:`~selectie.errors.InputError` unless a file can be written at ``path``:
    its folder exists (and is a folder), and this user may create files there. Nothing is
    written; commands call it for every output before they write anything.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "a_file").write_text("x")
    1
    >>> check_writable(folder / "a_file" / "out.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    selectie.errors.InputError: cannot write the output to '...out.json': '...a_file' is a file, ...
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(
            _is_folder(target), hint=_("Give a file name, e.g. --output selection.json.")
        )
    parent = target.resolve().parent
    if not parent.is_dir():
        for above in (parent, *parent.parents):
            if above.exists():
                if not above.is_dir():
                    raise InputError(
                        _(
                            "cannot write the output to {path}: {above} is a file, not a folder"
                        ).format(path=repr(str(target)), above=repr(str(above)))
                    )
                break
        raise InputError(
            _("cannot write the output to {path}: folder {folder} does not exist").format(
                path=repr(str(target)), folder=repr(str(parent))
            ),
            hint=_("Create the folder first, or give a path in an existing folder."),
        )
    if not os.access(parent, os.W_OK | os.X_OK) or (
        target.exists() and not os.access(target, os.W_OK) and not os.access(parent, os.W_OK)
    ):
        raise _cannot_write(target, PermissionError(13, "Permission denied"))
    return target


def _cannot_write(target: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(
        _("cannot write the output to {path}: {reason}").format(
            path=repr(str(target)), reason=reason
        ),
        hint=_("Choose a folder you can write to (--output), or free space on the disk."),
    )


def _is_folder(target: Path) -> str:
    return _("cannot write the output to {path}: it is a folder").format(path=repr(str(target)))


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
