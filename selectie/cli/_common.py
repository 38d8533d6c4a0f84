"""What every command shares: loading and changing the scenario, writing the output, and
turning errors into one-line messages and exit codes (the shared options are in ``_options``).

Heavy modules (pandas, PuLP) are imported inside functions, never at module level.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import typer

from ..errors import InputError, Problem, SelectieError, SolverError, TimeLimitReached
from ._app import DEBUG

if TYPE_CHECKING:
    from ..pool import Pool
    from ..result import Selection
    from ..scenario import Scenario

# -- exit codes ------------------------------------------------------------------------------

#: A selection was found and verified.
EXIT_OK = 0
#: No selection: infeasible, or the time limit came first (``check``: a constraint is missed).
EXIT_NO_SELECTION = 1
#: Bad input or usage.
EXIT_BAD_INPUT = 2
#: A solver failed or returned something that did not pass the re-check; an internal error.
EXIT_ERROR = 3

# -- errors ----------------------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``message`` to standard error and exit with ``code``."""
    typer.echo(message.rstrip("\n"), err=True)
    raise typer.Exit(code)


def command(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that selectie's errors become one clear message and an exit code
    (2 for bad input, 3 for solver failures), never a traceback unless ``--debug``.
    """
    import inspect

    declared = {name: str(p.annotation) for name, p in inspect.signature(fn).parameters.items()}

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from ..i18n import _

        try:
            preflight(kwargs, declared)
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except TimeLimitReached as exc:
            _debug()
            fail(_("no answer (time limit): {error}").format(error=exc), EXIT_NO_SELECTION)
        except SolverError as exc:
            _debug()
            fail(_("error: {error}").format(error=exc), EXIT_ERROR)
        except (SelectieError, ValueError) as exc:
            # pydantic's ValidationError is a ValueError; selectie wraps those it expects,
            # but a value built from flags may still reach one.
            _debug()
            fail(_("error: {error}").format(error=exc), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            fail(_("interrupted; nothing was written"), 130)
        except MemoryError:
            _debug()
            fail(
                "error: out of memory reading or solving this input; try a smaller pool or "
                "scenario",
                EXIT_BAD_INPUT,
            )
        except RecursionError:
            _debug()
            fail(
                "error: the input is nested too deeply to read (lists or tables within each "
                "other hundreds of levels deep)",
                EXIT_BAD_INPUT,
            )
        except BrokenPipeError:
            # The reader of our output went away (`selectie ... | head`): not a fault of the
            # input nor of selectie. Stop quietly, as a program killed by SIGPIPE does.
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            # A file the user named could not be read or written (permissions, a full disk,
            # a special file): the solver's own OSErrors are SolverErrors already.
            _debug()
            where = f" {str(exc.filename)!r}" if exc.filename else ""
            fail(
                f"error: cannot read or write{where}: {exc.strerror or type(exc).__name__}",
                EXIT_BAD_INPUT,
            )
        except Exception as exc:  # noqa: BLE001 - anything else is a bug, reported as one
            _debug()
            fail(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in selectie; run again with `selectie --debug ...` and report "
                "the traceback.",
                EXIT_ERROR,
            )

    return run


#: Exit status when standard output was closed by its reader (128 + SIGPIPE, as a shell
#: reports a program that SIGPIPE ended).
EXIT_BROKEN_PIPE = 141


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush at exit
    does not raise again on the closed pipe.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream)
        pass
    finally:
        os.close(devnull)


#: Roles of a command's parameters whose files are inputs of the run (never written over).
_INPUT_PARAMETERS = ("pool", "codebook", "scenario", "ids_file", "reference", "people", "quotas")


def preflight(kwargs: Mapping[str, Any], declared: Mapping[str, str]) -> None:
    """Check every prerequisite of a command's output before anything runs or is written:
    the --output path can be written and is not an input file, a binary format has a file,
    the format's library is installed, and the --plot file has a known type, a plotting
    backend and a writable path of its own. ``declared`` maps each parameter to its
    annotation: only the shared options (``OutputOpt``, ``FormatOpt``, ``PlotOpt``) are
    checked, so a command whose --output is a folder (``init``) is left to itself.
    """
    inputs = [
        Path(str(v)).resolve()
        for k in _INPUT_PARAMETERS
        if isinstance(v := kwargs.get(k), Path | str) and Path(str(v)).is_file()
    ]
    outputs: list[tuple[str, Path]] = []
    output = kwargs.get("output")
    if declared.get("output") == "OutputOpt" and isinstance(output, Path):
        outputs.append(("--output", output))
    plot = kwargs.get("plot")
    if declared.get("plot") == "PlotOpt" and isinstance(plot, Path):
        from ..plot import FORMATS as PLOT_FORMATS

        if plot.suffix.lower() not in PLOT_FORMATS:
            raise InputError(
                f"cannot write a plot to {str(plot)!r}: unknown file type "
                f"{plot.suffix or '(no suffix)'!r}",
                hint="Use a file name ending in .png, .svg or .pdf.",
            )
        _require(
            "matplotlib", "plotting", "pip install 'selectie[plot]' (or pip install matplotlib)"
        )
        outputs.append(("--plot", plot))
    fmt = kwargs.get("fmt")
    if fmt is not None:
        value = str(getattr(fmt, "value", fmt or ""))
        if value == "xlsx":
            if output is None:
                raise InputError(
                    "XLSX output is binary and cannot be printed",
                    hint="Give a file: --format xlsx --output selection.xlsx",
                )
            _require("xlsxwriter", "XLSX output", "pip install xlsxwriter")
        if value == "latex":
            _require("jinja2", "LaTeX output", "pip install jinja2")
    check_outputs(outputs, inputs)


def check_outputs(outputs: Sequence[tuple[str, Path]], inputs: Sequence[Path]) -> None:
    """Raise :class:`InputError` naming the option unless every output can be written: its
    folder exists and may be written to, it is not a folder, not one of ``inputs`` (the run's
    input files), and no two options name the same file. Commands call it before anything
    is computed, so a bad path costs no solving and writes nothing.
    """
    from .._io import check_writable
    from ..i18n import _

    resolved_inputs = {Path(p).resolve() for p in inputs if Path(p).exists()}
    seen: dict[Path, str] = {}
    for flag, path in outputs:
        resolved = path.resolve()
        if resolved in resolved_inputs:
            raise InputError(
                _("refusing to write the output to {path}: it is an input file of this run").format(
                    path=repr(str(path))
                ),
                hint=_("Choose another {flag} path; input files are never modified.").format(
                    flag=flag
                ),
            )
        if resolved in seen:
            raise InputError(
                _("{first} and {flag} name the same file {path}").format(
                    first=seen[resolved], flag=flag, path=repr(str(path))
                ),
                hint=_("Give each output a file of its own; one would overwrite the other."),
            )
        seen[resolved] = flag
        try:
            check_writable(path)
        except InputError as exc:
            if flag == "--output":  # the message speaks of "the output" already
                raise
            raise InputError(f"{flag}: {exc.summary}", exc.problems, exc.hint) from None


def _require(module: str, what: str, install: str) -> None:
    """Raise InputError if ``module`` cannot be imported (``what`` needs it)."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise InputError(
            f"{what} needs {module}, which is not installed", hint=f"Install it: {install}"
        ) from None


def _debug() -> None:
    if DEBUG["on"]:
        traceback.print_exc()


# -- inputs ----------------------------------------------------------------------------------


@dataclass
class Inputs:
    """The loaded pool and the effective scenario, with the files they came from."""

    pool: Pool
    scenario: Scenario
    files: dict[str, Path | None] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    #: Roles whose file is a bundled one named on the command line (e.g. ``bijlage4-exact``).
    bundled: dict[str, str] = field(default_factory=dict)

    @property
    def protect(self) -> list[Path]:
        """Input files, which the output may never overwrite."""
        return [p for p in self.files.values() if p is not None]

    def manifest(
        self,
        *,
        solver: str | None = None,
        version: str | None = None,
        seed: int | None = None,
        time_limit: float | None = None,
    ) -> dict[str, Any]:
        """What produced a result (:func:`selectie.manifest.manifest`, the same record a
        notebook gets with :func:`selectie.selection_manifest`).
        """
        from ..manifest import manifest

        return manifest(
            self.scenario,
            files=self.files,
            bundled=self.bundled,
            changes=self.changes,
            solver=solver,
            solver_version=version,
            seed=seed,
            time_limit=time_limit,
        )


def bundled_scenario(path: Path | None) -> tuple[Path | None, str | None]:
    """A scenario path, or the bundled scenario it names when no such file exists
    (:data:`selectie.scenario.BUNDLED_SCENARIOS`).

    >>> bundled_scenario(Path("bijlage4-exact"))[1]
    'bijlage4-exact'
    >>> bundled_scenario(None)
    (None, None)
    """
    from ..scenario import bundled_scenario_file

    if path is None or path.exists():
        return path, None
    found = bundled_scenario_file(path)
    if found is None:
        return path, None
    return found, path.name.removesuffix(".toml")


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Ids given as repeated options and/or comma-separated lists."""
    out: list[str] = []
    for v in values or ():
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def parse_bound(flag: str, text: str) -> tuple[str, str | None, int]:
    """``ATTR=VALUE:N`` (or ``ATTR:N``) as (attribute, value or None, N).

    >>> parse_bound("--min", "regio=Limburg:2")
    ('regio', 'Limburg', 2)
    >>> parse_bound("--max", "type:3")
    ('type', None, 3)
    """
    head, sep, count = text.rpartition(":")
    if not sep or not head:
        raise InputError(
            f"{flag} {text!r}: expected ATTR=VALUE:N or ATTR:N, e.g. {flag} regio=Limburg:2"
        )
    try:
        n = int(count.strip())
    except ValueError:
        raise InputError(
            f"{flag} {text!r}: the count after ':' must be a whole number, found {count!r}"
        ) from None
    if n < 0:
        raise InputError(f"{flag} {text!r}: the count must be 0 or more, found {n}")
    attr, eq, value = head.partition("=")
    attr = attr.strip()
    if not attr or (eq and not value.strip()):
        raise InputError(
            f"{flag} {text!r}: expected ATTR=VALUE:N or ATTR:N, e.g. {flag} regio=Limburg:2"
        )
    return attr, (value.strip() if eq else None), n


def load_inputs(
    pool: Path | None = None,
    codebook: Path | None = None,
    scenario: Path | None = None,
    *,
    sheet: str | None = None,
    size: int | None = None,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    mins: Sequence[str] | None = None,
    maxs: Sequence[str] | None = None,
    overlap: int | None = None,
    cover: Sequence[str] | None = None,
    objective: str | None = None,
) -> Inputs:
    """Load the pool (with its codebook) and the scenario, apply the command-line changes,
    and check that the result fits the pool. Raises :class:`InputError` on any problem.
    """
    from ..constraints import compile_scenario
    from ..pool import load_pool
    from ..scenario import Quota, load_scenario

    the_pool = load_pool(pool, codebook, sheet=sheet)
    scenario, bundled = bundled_scenario(scenario)
    from_sheets = None
    if scenario is None and pool is not None:
        from ..workbook import scenario_from_workbook

        from_sheets = scenario_from_workbook(pool)  # a workbook with a scenario sheet
    sc = from_sheets if from_sheets is not None else load_scenario(scenario)
    files = {"pool": pool, "codebook": codebook, "scenario": scenario}
    if (
        pool is not None
        and codebook is None
        and (the_pool.codebook.source or "").startswith(f"{pool}, sheet")
    ):
        files["codebook"] = pool  # the workbook's codebook sheet
    if from_sheets is not None:
        files["scenario"] = pool
    inputs = Inputs(the_pool, sc, files)
    if bundled:
        inputs.bundled["scenario"] = bundled
    cb = the_pool.codebook
    problems: list[Problem] = []

    if size is not None:
        if size < 1:
            raise InputError(f"--size {size}: the size must be at least 1")
        sc = sc.with_size(size)
        inputs.changes.append(f"--size {size}")
    sc = with_ids(inputs, sc, include, exclude, problems)
    for flag, given in (("--min", mins), ("--max", maxs)):
        for text in given or ():
            attr, value, n = parse_bound(flag, text)
            if not cb.has(attr):
                problems.append(
                    Problem(message=f"{flag} {text!r}: {cb.unknown_attribute_message(attr)}")
                )
                continue
            attr = cb.attribute(attr).name  # names match without regard to case
            values = None
            if value is not None:
                a = cb.attribute(attr)
                code = a.parse_token(value)
                if code is None:
                    problems.append(
                        Problem(message=f"{flag} {text!r}: {a.unknown_value_message(value)}")
                    )
                    continue
                values = (code,)
            bound = {"min": n} if flag == "--min" else {"max": n}
            sc = sc.with_quota(Quota(attribute=attr, values=values, **bound))
            inputs.changes.append(f"{flag} {text}")
    covered = [a.strip() for a in cover or () if a.strip()]
    if "all" in covered:  # every criterion the tables report
        covered = list(dict.fromkeys([*cb.table_attributes, *(c for c in covered if c != "all")]))
    for attr in covered:
        if not cb.has(attr):
            problems.append(
                Problem(message=f"--cover {attr!r}: {cb.unknown_attribute_message(attr)}")
            )
    covered = [cb.attribute(a).name if cb.has(a) else a for a in covered]
    if problems:
        raise InputError("the command-line changes to the scenario are not valid", problems)
    if overlap is not None or covered:
        if overlap is not None and overlap < 1:
            raise InputError(f"--overlap {overlap}: the overlap must be at least 1")
        sc = sc.with_overlap(overlap if overlap is not None else 1, covered or None)
        if overlap is not None:
            inputs.changes.append(f"--overlap {overlap}")
        if covered:
            inputs.changes.append(f"--cover {','.join(covered)}")
    if objective is not None:
        sc = _with_objective(sc, objective.strip())
        inputs.changes.append(f"--objective {objective.strip()}")
    if sc.size > len(the_pool):
        from ..i18n import _

        raise InputError(
            _("size {size} is larger than the pool ({n} cases)").format(
                size=sc.size, n=len(the_pool)
            ),
            hint=_("Give a smaller --size, or a larger pool."),
        )
    compile_scenario(the_pool, sc)  # raises ScenarioError naming what does not fit the pool
    inputs.scenario = sc
    return inputs


def with_ids(
    inputs: Inputs,
    sc: Scenario,
    include: Sequence[str] | None,
    exclude: Sequence[str] | None,
    problems: list[Problem],
) -> Scenario:
    """``sc`` with the ids of ``--include`` and ``--exclude`` (repeated and/or separated by
    commas) forced in and kept out, each recorded in ``inputs.changes``; an id not in the
    pool is added to ``problems`` (the caller raises them all at once).
    """
    pool = inputs.pool
    for flag, given in (("--include", include), ("--exclude", exclude)):
        ids = split_ids(given)
        problems += [
            Problem(message=f"{flag} {pool.unknown_id_message(i)}")
            for i in ids
            if not pool.contains(i)
        ]
        known = [pool.ids[pool.position(i)] for i in ids if pool.contains(i)]
        if known:
            sc = sc.with_include(*known) if flag == "--include" else sc.with_exclude(*known)
            inputs.changes.append(f"{flag} {','.join(known)}")
    return sc


# A command's parameter name → the load_inputs keyword it feeds (--min/--max are min_/max_).
_SCENARIO_FLAGS = {
    "sheet": "sheet",
    "size": "size",
    "include": "include",
    "exclude": "exclude",
    "min_": "mins",
    "max_": "maxs",
    "overlap": "overlap",
    "cover": "cover",
    "objective": "objective",
}


def inputs_from(args: Mapping[str, Any], *, skip: Iterable[str] = ()) -> Inputs:
    """:func:`load_inputs` fed from a command's own parameters: pass ``locals()``.

    Reads ``pool``, ``codebook``, ``scenario`` and whichever of the scenario flags
    (``sheet``, ``size``, ``include``, ``exclude``, ``min_``, ``max_``, ``overlap``,
    ``cover``, ``objective``) the command declares; names in ``skip`` are left out (a
    command that handles that flag itself).

    >>> inputs = inputs_from({"pool": None, "codebook": None, "scenario": None, "size": 5})
    >>> inputs.scenario.size, inputs.changes
    (5, ['--size 5'])
    """
    left_out = set(skip)
    flags = {
        keyword: args[name]
        for name, keyword in _SCENARIO_FLAGS.items()
        if name in args and name not in left_out
    }
    return load_inputs(args.get("pool"), args.get("codebook"), args.get("scenario"), **flags)


def _with_objective(sc: Scenario, kind: str) -> Scenario:
    from typing import get_args

    from pydantic import ValidationError

    from ..scenario import Objective, ObjectiveKind

    kinds = get_args(ObjectiveKind)
    if kind not in kinds:
        raise InputError(f"--objective {kind!r}: expected one of {', '.join(kinds)}")
    if kind == sc.objective.kind:
        return sc
    try:
        return sc.with_objective(Objective(kind=kind))
    except ValidationError as exc:
        message = "; ".join(str(e.get("ctx", {}).get("error", e["msg"])) for e in exc.errors())
        raise InputError(
            f"--objective {kind!r}: {message}",
            hint="Give its data in the scenario file; see docs/reference.md#objective.",
        ) from None


def read_ids(pool: Pool, args: Sequence[str] | None, file: Path | None) -> list[str]:
    """The ids of a selection from the command line and/or a file (one id per line, a CSV
    with the codebook's id column, or the JSON output of ``selectie select``).
    """
    ids = split_ids(args)
    if file is not None:
        from ..selection_file import read_selection

        ids += read_selection(file, pool)
    if not ids:
        raise InputError(
            "no selection given",
            hint="Give the case ids as arguments (selectie check R01 R02 ...) or --ids FILE.",
        )
    return ids


# -- output ----------------------------------------------------------------------------------


def emit(data: bytes, output: Path | None, protect: Sequence[Path], fmt: str) -> None:
    """Write ``data`` to ``output`` atomically, or to standard output."""
    emit_all([(data, output, fmt)], protect)


def emit_all(outputs: Sequence[tuple[bytes, Path | None, str]], protect: Sequence[Path]) -> None:
    """Write a command's outputs (data, file or None for standard output, format) all or
    nothing: every file through a temporary file, renamed into place only when all are
    written (:func:`selectie._io.write_all_atomic`); then standard output. CSV is turned
    into the ``--csv-dialect`` in use.
    """
    from .._io import write_all_atomic

    files: list[tuple[Path, bytes]] = []
    printed: list[bytes] = []
    for data, output, fmt in outputs:
        if fmt == "csv":
            from ..csvdialect import to_dialect
            from ._lang import CSV_DIALECT

            data = to_dialect(data.decode("utf-8"), CSV_DIALECT.get())
        if output is not None:
            files.append((output, data))
        elif fmt == "xlsx":
            raise InputError(
                "XLSX output is binary and cannot be printed",
                hint="Give a file: --format xlsx --output selection.xlsx",
            )
        else:
            printed.append(data)
    if files:
        write_all_atomic(files, protect=protect)
    for data in printed:
        sys.stdout.buffer.write(data)
    sys.stdout.flush()


def selection_exit(selection: Selection) -> int:
    """The exit code for a selection's status, after saying why on standard error."""
    from ..solve.backend import Status

    if selection.ok:
        if selection.status == Status.FEASIBLE:
            from ..i18n import _

            why = selection.message or _("the time limit stopped the proof of optimality")
            typer.echo(
                _("note: {why}; the selection is valid but may not be the best").format(why=why),
                err=True,
            )
        return EXIT_OK
    return failure_exit(selection.status.value, selection.message, selection.reasons)


def failure_exit(status: str, message: str, reasons: Sequence[str], what: str = "selection") -> int:
    """Say on standard error why there is no result, and return the exit code: 3 for a
    solver error, 1 otherwise.

    >>> failure_exit("infeasible", "", ["too few cases"])
    1
    """
    from ..export import status_word
    from ..i18n import LANGUAGES, N_, _, get_language

    nouns = {"selection": N_("selection"), "lottery": N_("lottery")}
    # English keeps the status value as it is (no_solution); another language its word.
    shown = status if get_language() == LANGUAGES[0] else status_word(status)
    reason = message or shown
    if reasons:
        reason += ": " + "; ".join(reasons)
    if status == "error":
        typer.echo(_("error: {error}").format(error=reason), err=True)
        return EXIT_ERROR
    typer.echo(
        _("no {what} ({status}): {reason}").format(
            what=_(nouns.get(what, what)), status=shown, reason=reason
        ),
        err=True,
    )
    return EXIT_NO_SELECTION
