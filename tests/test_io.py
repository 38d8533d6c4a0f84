"""Writing output files: atomically, with ordinary permissions, never over an input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from selectie._io import write_atomic
from selectie.errors import InputError


def test_a_new_file_gets_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        target = tmp_path / "out.txt"
        write_atomic(target, b"data")
        assert target.read_bytes() == b"data"
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
    finally:
        os.umask(mask)


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_an_input_file_is_never_overwritten(tmp_path: Path) -> None:
    src = tmp_path / "pool.csv"
    src.write_bytes(b"id\n1\n")
    with pytest.raises(InputError, match="it is an input file of this run"):
        write_atomic(tmp_path / "." / "pool.csv", b"x", protect=[src])
    assert src.read_bytes() == b"id\n1\n"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a folder"):
        write_atomic(tmp_path, b"x")
