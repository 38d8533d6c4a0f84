"""No user input reaches exit 3 (issue 12 item 3), and nothing is written when a run fails
(item 4).

Every command is fed, in every input role it has, malformed files, files nested 50 000
levels deep, huge files, special files (a folder, a pipe, a device) and missing paths, and
is asked to write into places it cannot write. Each must exit 2 with one message (one
``error:`` line and at most a hint line, no traceback, no "internal error") and must leave
no output file. Exit 3 stays for solver faults and bugs.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

BAD = Path(__file__).parent / "data" / "bad"
IDS = ["c1", "c2"]

#: Each command with the input roles it reads; "ids" marks commands given case ids.
COMMANDS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "select": (["select"], ("pool", "codebook", "scenario")),
    "check": (["check", *IDS], ("pool", "codebook", "scenario", "ids")),
    "tables": (["tables", *IDS], ("pool", "codebook", "ids")),
    "validate": (["validate"], ("pool", "codebook", "scenario")),
    "scenario show": (["scenario", "show"], ("pool", "codebook", "scenario")),
    "explain": (["explain"], ("pool", "codebook", "scenario")),
    "alternatives": (["alternatives", "--count", "2"], ("pool", "codebook", "scenario")),
    "importance": (["importance"], ("pool", "codebook", "scenario")),
    "replace": (["replace", "--drop", "c1", *IDS], ("pool", "codebook", "scenario", "ids")),
    "sweep": (["sweep", "--sizes", "2", "--overlaps", "1"], ("pool", "codebook", "scenario")),
    "lottery": (["lottery"], ("pool", "codebook", "scenario")),
}
OPTION = {"pool": "--pool", "codebook": "--codebook", "scenario": "--scenario", "ids": "--ids"}
#: Which commands write a file with --output (validate and explain print only, or not).
WRITES = {"select", "check", "tables", "scenario show", "alternatives", "importance", "replace",
          "sweep", "lottery"}  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("pool.csv", "codebook.toml", "scenario.toml"):
        shutil.copy(BAD / name, tmp_path / name)
    (tmp_path / "ids.txt").write_text("c1\nc2\n")
    return tmp_path


def hostile(kind: str, role: str, folder: Path) -> str:
    """A path to a hostile input of ``kind`` for ``role``."""
    suffix = {"pool": ".csv", "codebook": ".toml", "scenario": ".toml", "ids": ".txt"}[role]
    p = folder / f"hostile{suffix}"
    if kind == "garbage":
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 100)
    elif kind == "not utf-8":
        p.write_bytes("id,name\nc1,caf\xe9\n".encode("latin-1") + b"\xff\xfe\x80" * 10)
    elif kind == "deep":
        text = "a = " + "[" * 50_000 + "]" * 50_000 + "\n"
        if role == "ids":
            text = "[" * 50_000 + "]" * 50_000
        if role == "pool":
            text = "id,name\n" + '"' + "[" * 50_000 + '",x\n'
        p.write_text(text)
    elif kind == "huge":
        with p.open("wb") as f:  # a sparse file: 300 MB of NUL bytes, no disk used
            f.truncate(300_000_000)
    elif kind == "folder":
        p.mkdir()
    elif kind == "fifo":
        os.mkfifo(p)
    elif kind == "device":
        return "/dev/zero"
    elif kind == "missing":
        return str(folder / f"no_such_file{suffix}")
    return str(p)


KINDS = ["garbage", "not utf-8", "deep", "huge", "folder", "fifo", "device", "missing"]


def args_for(command: str, folder: Path, role: str | None = None, value: str = "") -> list[str]:
    head, roles = COMMANDS[command]
    args = list(head)
    for r in roles:
        if r == "ids":
            if role == "ids":
                args = [a for a in args if a not in IDS] + ["--ids", value]
            continue
        args += [OPTION[r], value if r == role else str(folder / f"{r}.{_ext(r)}")]
    return args


def _ext(role: str) -> str:
    return "csv" if role == "pool" else "toml"


def assert_one_clean_message(result: object, output: Path | None = None) -> None:
    code = getattr(result, "exit_code")  # noqa: B009 - a click Result, typed as object
    err = getattr(result, "stderr")  # noqa: B009 - as above
    out = getattr(result, "stdout")  # noqa: B009 - as above
    assert code == 2, (code, err, out[-500:])
    assert err.startswith("error: "), err
    assert "Traceback" not in err + out and "internal error" not in err, err
    assert err.count("error:") == 1, err
    if output is not None:
        assert not output.exists()
        assert not [p for p in output.parent.iterdir() if p.name.startswith(f".{output.name}")]


CASES = [(c, r, k) for c, (_, roles) in COMMANDS.items() for r in roles for k in KINDS]


@pytest.mark.parametrize(("command", "role", "kind"), CASES, ids=[" ".join(c) for c in CASES])
def test_every_bad_input_exits_2_with_one_message(
    command: str, role: str, kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "fifo" and sys.platform == "win32":  # pragma: no cover
        pytest.skip("no named pipes")
    monkeypatch.chdir(folder)
    out_dir = folder / "out"
    out_dir.mkdir()
    output = out_dir / "result.json"
    args = args_for(command, folder, role, hostile(kind, role, folder))
    if command in WRITES:
        args += ["--output", str(output)]
    result = CliRunner().invoke(app, args)
    assert_one_clean_message(result, output)


def unwritable(kind: str, folder: Path) -> Path:
    if kind == "under a file":
        return folder / "pool.csv" / "out.json"
    if kind == "a folder":
        (folder / "a_folder").mkdir()
        return folder / "a_folder"
    if kind == "missing folder":
        return folder / "no" / "such" / "out.json"
    return folder / "codebook.toml"  # an input file of every command


@pytest.mark.parametrize("command", sorted(WRITES))
@pytest.mark.parametrize("kind", ["under a file", "a folder", "missing folder", "an input"])
def test_an_unwritable_output_exits_2_before_any_work(
    command: str, kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked before the run: no solver call, nothing written, exit 2."""
    from selectie.solve import backend

    monkeypatch.chdir(folder)
    monkeypatch.setattr(backend, "get_backend", _no_solver)
    target = unwritable(kind, folder)
    before = sorted(p.name for p in folder.iterdir())
    stamp = (folder / "codebook.toml").read_bytes()
    result = CliRunner().invoke(app, [*args_for(command, folder), "--output", str(target)])
    assert_one_clean_message(result)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "codebook.toml").read_bytes() == stamp


def _no_solver(name: str) -> object:
    raise AssertionError("the output should have been refused before solving")


def test_a_folder_without_write_permission_exits_2(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """We run as root here, so a chmod cannot take the permission away: the permission check
    (os.access) is made to say no, as it does for an ordinary user in a read-only folder.
    """
    monkeypatch.chdir(folder)
    real = os.access
    locked = folder / "locked"
    locked.mkdir()
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode: False if Path(p) == locked else real(p, mode),
    )
    result = CliRunner().invoke(app, [*args_for("select", folder), "-o", str(locked / "o.json")])
    assert_one_clean_message(result)
    assert result.stderr.startswith(
        f"error: cannot write the output to '{locked / 'o.json'}': Permission denied"
    )
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_read_only_folder_exits_2(folder: Path) -> None:  # pragma: no cover - not root
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    result = CliRunner().invoke(app, [*args_for("select", folder), "-o", str(locked / "o.json")])
    assert_one_clean_message(result)


def test_a_disk_error_while_writing_exits_2_and_leaves_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError in the middle of the write (a full disk) is exit 2, and the temporary file
    is gone.
    """
    monkeypatch.chdir(folder)

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    output = folder / "out.json"
    result = CliRunner().invoke(app, [*args_for("select", folder), "-o", str(output)])
    assert_one_clean_message(result, output)
    assert "No space left on device" in result.stderr


def test_an_unknown_id_is_exit_2(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`selectie tables R99`: it said `internal error: KeyError` (exit 3)."""
    result = CliRunner().invoke(app, ["tables", "R99"])
    assert_one_clean_message(result)
    assert result.stderr == "error: 'R99' is not an id in the pool; did you mean 'R09'?\n"


def test_a_plot_without_matplotlib_writes_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`select --plot fig.png -f json -o out.json` without matplotlib: exit 2 and no out.json
    (it was written before the plot failed).
    """
    monkeypatch.chdir(folder)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    output = folder / "out.json"
    args = [*args_for("select", folder), "--plot", "fig.png", "-f", "json", "-o", str(output)]
    result = CliRunner().invoke(app, args)
    assert_one_clean_message(result, output)
    assert "matplotlib" in result.stderr
    assert not (folder / "fig.png").exists()


@pytest.mark.parametrize("plot", ["fig.txt", "pool.csv", "out.json"])
def test_a_bad_plot_path_writes_nothing(
    plot: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown plot type, a plot over an input file, or a plot over the --output file."""
    monkeypatch.chdir(folder)
    output = folder / "out.json"
    args = [*args_for("select", folder), "--plot", plot, "-f", "json", "-o", str(output)]
    result = CliRunner().invoke(app, args)
    assert_one_clean_message(result, output)


def test_a_reader_closing_the_pipe_is_not_an_input_error() -> None:
    """`selectie ... | head` closing standard output early ends quietly with 141 (as SIGPIPE
    does), not 'cannot read or write' (exit 2) or an internal error (exit 3).
    """
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "selectie", "select", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the ~50 kB of JSON are written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141
    assert err == ""


def test_a_binary_or_oversized_selection_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A selection file with NUL bytes, or over 16 MB, is exit 2 with one message (it used to
    be read whole and split, taking minutes and gigabytes for a 300 MB file).
    """
    nul = tmp_path / "ids.txt"
    nul.write_bytes(b"R01\n\x00R02\n")
    result = CliRunner().invoke(app, ["check", "--ids", str(nul)])
    assert_one_clean_message(result)
    assert "holds NUL bytes" in result.stderr
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(17_000_000)
    result = CliRunner().invoke(app, ["check", "--ids", str(big)])
    assert_one_clean_message(result)
    assert "is 17 MB; a selection file is at most 16 MB" in result.stderr
