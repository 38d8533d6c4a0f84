"""What the page shows and edits, as plain data: no Shiny here, so it is tested without a browser.

The page holds no selection logic of its own. These helpers only translate between a
:class:`~selectie.scenario.Scenario` (the single source of truth) and the tables a person
edits on the page (quota bounds per value, overlap per attribute), and between library
results and the frames the page displays. Every change returns a new scenario through
the scenario's own methods or its validator.

The run manifest is the library's (:mod:`selectie.manifest`), with uploads named by the name
the person gave them rather than their private path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import InputError, ScenarioError, SelectieError
from ..scenario import BUNDLED_SCENARIOS  # loadable by name on the page, as --scenario NAME

if TYPE_CHECKING:
    import pandas as pd

    from ..codebook import Codebook
    from ..draft import Draft
    from ..pool import Pool
    from ..result import Selection
    from ..scenario import Scenario

__all__ = [
    "BUNDLED_SCENARIOS",
    "PAGE_NOTE",
    "Upload",
    "clean_message",
    "constraint_frame",
    "coverage_frame",
    "manifest",
    "quota_frame",
    "safe_name",
    "with_coverage_edit",
    "with_ids",
    "with_quota_edit",
]


#: The note a constraint set on the page carries: selectie's (the user's) choice, not the report's.
PAGE_NOTE = "set on the selectie page"


@dataclass(frozen=True)
class Upload:
    """An uploaded file: the name the person gave it, and where it lies in the session's
    private folder (never a path a person typed).
    """

    name: str
    path: Path
    sha256: str


def safe_name(name: str) -> str:
    """A file name that is safe to create inside the session folder: the last path part of
    ``name``, with anything but letters, digits, dot, dash and underscore replaced.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("my pool (2).csv")
    'my_pool__2_.csv'
    >>> safe_name("..")
    'upload'
    """
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return base[:120] or "upload"


def clean_message(text: str, folder: Path | None) -> str:
    """An error message with the session folder taken out, so that it names the uploaded
    file as the person knows it (and as the CLI names a file in the working directory).

    >>> clean_message("pool file '/tmp/s1/3-pool/a.csv' is empty", Path("/tmp/s1"))
    "pool file 'a.csv' is empty"
    """
    if folder is None:
        return text
    text = re.sub(re.escape(str(folder)) + r"/[^/'\"\s]+/", "", text)
    return text.replace(str(folder) + "/", "").replace(str(folder), "")


# -- quotas ---------------------------------------------------------------------------------


def _bounds(scenario: Scenario, attribute: str, code: str) -> tuple[int | None, int | None]:
    lo: int | None = None
    hi: int | None = None
    for q in scenario.quotas:
        if q.attribute != attribute or (q.values is not None and code not in q.values):
            continue
        if q.min is not None:
            lo = q.min if lo is None else max(lo, q.min)
        if q.max is not None:
            hi = q.max if hi is None else min(hi, q.max)
    return lo, hi


def quota_frame(pool: Pool, scenario: Scenario, attribute: str) -> pd.DataFrame:
    """One row per value of ``attribute``: the pool's count and the scenario's effective
    least and largest number of selected cases (empty: no bound).

    >>> from selectie import load_pool, load_scenario
    >>> df = quota_frame(load_pool(), load_scenario(), "regio")
    >>> df.columns.tolist()
    ['value', 'pool', 'min', 'max']
    >>> [str(x) for x in df.iloc[0]]
    ['Amsterdam-Amstelland', '10', '1', '']
    """
    import pandas as pd

    attr = pool.codebook.attribute(attribute)
    counts = pool.value_counts(attribute)
    rows = []
    for code in attr.codes:
        lo, hi = _bounds(scenario, attribute, code)
        rows.append(
            {
                "value": code,
                "pool": int(counts[code]),
                "min": "" if lo is None else lo,
                "max": "" if hi is None else hi,
            }
        )
    return pd.DataFrame(rows, columns=["value", "pool", "min", "max"]).astype(
        {"min": object, "max": object}
    )


def parse_count(text: Any, what: str) -> int | None:
    """A cell of a bound column: empty means no bound, else a whole number of at least 0.

    >>> parse_count(" 3 ", "min"), parse_count("", "max")
    (3, None)
    >>> parse_count("x", "min")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    selectie.errors.InputError: min: expected a whole number of 0 or more, ... found 'x'
    """
    raw = "" if text is None else str(text).strip()
    if raw == "" or raw.lower() == "nan":
        return None
    try:
        value = int(float(raw)) if re.fullmatch(r"\d+(\.0+)?", raw) else int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(
            f"{what}: expected a whole number of 0 or more, or empty for no bound, found {raw!r}"
        )
    return value


def with_quota_edit(
    scenario: Scenario, attribute: str, bounds: Mapping[str, tuple[int | None, int | None]]
) -> Scenario:
    """``scenario`` with the quotas on ``attribute`` replaced by ``bounds`` (value ->
    (min, max)); the other attributes' quotas, with their notes, stay as they were. When
    the bounds are what the scenario already says, the scenario is returned unchanged.

    >>> from selectie import load_scenario
    >>> s = load_scenario()
    >>> t = with_quota_edit(s, "regio", {"Limburg": (2, None)})
    >>> [(q.values, q.min, q.max) for q in t.quotas if q.attribute == "regio"]
    [(('Limburg',), 2, None)]
    """
    from ..scenario import Quota

    current = {code: _bounds(scenario, attribute, code) for code in bounds}
    if dict(bounds) == current:
        return scenario
    kept = [q for q in scenario.quotas if q.attribute != attribute]
    added: list[Quota] = []
    for code, (lo, hi) in bounds.items():
        if (lo, hi) == (None, None):
            continue
        try:
            added.append(Quota(attribute=attribute, values=(code,), min=lo, max=hi, note=PAGE_NOTE))
        except ValidationError as exc:
            first = exc.errors()[0]
            reason = first.get("ctx", {}).get("error", first["msg"])
            raise InputError(f"{attribute}={code}: {reason}") from None
    return _validated(scenario, quotas=[q.model_dump() for q in (*kept, *added)])


def _validated(scenario: Scenario, **update: Any) -> Scenario:
    from ..scenario import scenario_from_dict

    data = scenario.model_dump()
    data.update(update)
    try:
        return scenario_from_dict(data)
    except ScenarioError:
        raise
    except ValueError as exc:  # pragma: no cover - scenario_from_dict wraps these
        raise InputError(str(exc)) from None


# -- coverage -------------------------------------------------------------------------------


def coverage_frame(pool: Pool, scenario: Scenario) -> pd.DataFrame:
    """One row per attribute: how many selected cases each of its values needs (0: the
    attribute is not covered).

    >>> from selectie import load_pool, load_scenario
    >>> df = coverage_frame(load_pool(), load_scenario())
    >>> int(df.set_index("attribute").loc["theorie", "overlap"])  # the report's overlap
    2
    """
    import pandas as pd

    rows = []
    for attr in pool.codebook.attributes:
        overlap = max(
            (c.overlap for c in scenario.coverage if attr.name in c.attributes), default=0
        )
        rows.append({"attribute": attr.name, "values": len(attr.codes), "overlap": overlap})
    return pd.DataFrame(rows, columns=["attribute", "values", "overlap"])


def with_coverage_edit(scenario: Scenario, attribute: str, overlap: int) -> Scenario:
    """``scenario`` with ``attribute`` covered ``overlap`` times (0: not covered); the other
    attributes keep their coverage.

    >>> from selectie import load_scenario
    >>> s = with_coverage_edit(load_scenario(), "type", 2)
    >>> [c.overlap for c in s.coverage if "type" in c.attributes]
    [2]
    >>> any("type" in c.attributes for c in with_coverage_edit(s, "type", 0).coverage)
    False
    """
    if overlap >= 1:
        return scenario.with_overlap(overlap, [attribute])
    kept = []
    for c in scenario.coverage:
        rest = tuple(a for a in c.attributes if a != attribute)
        if not rest:
            continue
        values = {a: v for a, v in (c.values or {}).items() if a != attribute} or None
        kept.append(c.model_copy(update={"attributes": rest, "values": values}).model_dump())
    return _validated(scenario, coverage=kept)


# -- include and exclude ---------------------------------------------------------------------


def with_ids(scenario: Scenario, include: Sequence[str], exclude: Sequence[str]) -> Scenario:
    """``scenario`` with exactly these cases forced in and kept out.

    >>> from selectie import load_scenario
    >>> s = with_ids(load_scenario(), ["R07"], ["S010"])
    >>> s.include, s.exclude
    (('R07',), ('S010',))
    """
    if tuple(include) == scenario.include and tuple(exclude) == scenario.exclude:
        return scenario
    return _validated(scenario, include=list(include), exclude=list(exclude))


# -- results ---------------------------------------------------------------------------------


def constraint_frame(selection: Selection) -> pd.DataFrame:
    """The audit of a selection, one row per constraint, with its margin: how far the
    achieved count is from the nearest bound (0: the constraint is tight).

    >>> from selectie import load_pool, load_scenario, select
    >>> df = constraint_frame(select(load_pool(), load_scenario()))
    >>> df.columns.tolist()
    ['constraint', 'required', 'achieved', 'margin', 'ok', 'note']
    >>> bool(df["ok"].eq("yes").all())
    True
    """
    import pandas as pd

    from ..constraints import Kind

    rows = []
    if selection.audit is None:
        return pd.DataFrame(columns=["constraint", "required", "achieved", "margin", "ok", "note"])
    bounds = {}
    if selection.compiled is not None:
        bounds = {(c.name, c.origin): (c.lo, c.hi) for c in selection.compiled.constraints}
    for check in selection.audit.checks:
        lo, hi = bounds.get((check.name, check.origin), (None, None))
        gaps = [
            g
            for g in (
                None if lo is None else check.achieved - lo,
                None if hi is None else hi - check.achieved,
            )
            if g is not None
        ]
        rows.append(
            {
                "constraint": check.name,
                "required": check.required,
                "achieved": check.achieved,
                "margin": min(gaps) if gaps and check.kind is not Kind.BRIDGES else "",
                "ok": "yes" if check.satisfied else f"no (short by {check.shortfall})",
                "note": check.note,
            }
        )
    return pd.DataFrame(rows)


def listing(pool: Pool, positions: Iterable[int]) -> pd.DataFrame:
    """The rows of ``pool`` at ``positions`` as a display frame (multi-valued cells joined).

    >>> from selectie import load_pool
    >>> listing(load_pool(), [0]).loc[0, "theorie"]
    'context en gelegenheid; intelligence; uitvoerkracht'
    """
    frame = pool.subset(list(positions)).to_dataframe().reset_index()
    return frame.map(lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v)


# -- adapters (replace by the library function when it lands) -------------------------------


def manifest(
    *,
    files: Mapping[str, Upload | None],
    scenario: Scenario,
    solver: str,
    solver_version: str | None,
    seed: int,
    time_limit: float | None,
) -> dict[str, Any]:
    """The run manifest (:func:`selectie.manifest.manifest`, as the command line writes it),
    with each uploaded file named ``upload:<name>`` instead of its path in the session's
    private folder; a role without an upload is the bundled file.

    >>> from selectie import load_scenario
    >>> m = manifest(files={"pool": None}, scenario=load_scenario(), solver="cbc",
    ...              solver_version=None, seed=1, time_limit=None)
    >>> m["files"]["pool"]["path"], len(m["files"]["pool"]["sha256"]), m["changes"]
    ('bundled:projects_126.csv', 64, ['made on the selectie page'])
    """
    from ..manifest import manifest as run_manifest

    data = run_manifest(
        scenario,
        files={role: (up.path if up else None) for role, up in files.items()},
        changes=["made on the selectie page"],
        solver=solver,
        solver_version=solver_version,
        seed=seed,
        time_limit=time_limit,
    )
    for role, up in files.items():
        if up is not None:
            data["files"][role]["path"] = f"upload:{up.name}"
    return data


def draft_pool(path: Path) -> Draft:
    """``selectie init``'s draft (codebook and starting scenario) of a pool without a codebook."""
    from ..draft import draft

    return draft(path)


def starting_from_draft(pool: Pool, drafted: Draft | None, size: int) -> Scenario:
    """The starting scenario for a newly loaded pool: the draft's own (``selectie init``'s)
    when it still fits the confirmed codebook, else ``selectie scenario init``'s.
    """
    import tomllib

    from ..constraints import compile_scenario
    from ..scenario import scenario_from_dict, starting_scenario

    if drafted is not None:
        try:
            sc = scenario_from_dict(tomllib.loads(drafted.scenario_toml()))
            compile_scenario(pool, sc)
            return sc
        except (SelectieError, ValueError):
            pass  # the person changed the codebook; fall back to a plain start
    return scenario_from_dict(tomllib.loads(starting_scenario(pool, size)))


def draft_frame(codebook: Codebook) -> pd.DataFrame:
    """A draft codebook as an editable table: one row per attribute, with whether it is used,
    single or multi-valued, and its values separated by ``|``.
    """
    import pandas as pd

    rows = [
        {
            "attribute": a.name,
            "use": "yes",
            "kind": "multi" if a.multi else "single",
            "values": " | ".join(a.codes),
        }
        for a in codebook.attributes
    ]
    return pd.DataFrame(rows, columns=["attribute", "use", "kind", "values"])


def codebook_from_frame(draft: Codebook, frame: pd.DataFrame) -> Codebook:
    """The codebook a person confirmed: the draft with the table's choices (attributes left
    out, single or multi, values) applied and validated by the codebook's own loader.

    >>> from selectie import load_codebook
    >>> wodc = load_codebook()
    >>> frame = draft_frame(wodc)
    >>> frame.loc[frame["attribute"] == "thema", "use"] = "no"
    >>> cb = codebook_from_frame(wodc, frame)
    >>> cb.has("thema"), "thema" in cb.extra_columns, cb.attribute("theorie").multi
    (False, True, True)
    """
    from ..codebook import codebook_from_dict

    data = draft.model_dump(mode="json", exclude_none=True)
    by_name = {a["name"]: a for a in data.pop("attributes")}
    left_out: list[str] = []
    attrs = []
    for _, row in frame.iterrows():
        name = str(row["attribute"]).strip()
        use = str(row["use"]).strip().lower()
        if use in ("no", "nee", "n", "0", "false", ""):
            left_out.append(name)
            continue
        if use not in ("yes", "ja", "y", "j", "1", "true"):
            raise InputError(f"{name}: use: expected yes or no, found {row['use']!r}")
        kind = str(row["kind"]).strip().lower()
        if kind not in ("single", "multi"):
            raise InputError(f"{name}: kind: expected single or multi, found {row['kind']!r}")
        values = [v.strip() for v in str(row["values"]).split("|") if v.strip()]
        base = dict(by_name.get(name, {"name": name}))
        old = {v["code"]: v for v in base.get("values", []) if isinstance(v, dict)}
        base["multi"] = kind == "multi"
        base["values"] = [old.get(v, {"code": v}) for v in values]
        attrs.append(base)
    if not attrs:
        raise InputError("the codebook needs at least one attribute marked use = yes")
    kept = {a["name"] for a in attrs}
    if data.get("tables") is not None:
        data["tables"] = [t for t in data["tables"] if t in kept] or None
        if data["tables"] is None:
            del data["tables"]
    # a column left out stays in the pool as an extra column, never constrained
    data["extra_columns"] = [*data.get("extra_columns", ()), *left_out]
    return codebook_from_dict({"codebook": data, "attributes": attrs})
