"""Shared fixtures: the bundled WODC pool, a tiny hand-made codebook, and the solver list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from selectie import Codebook, Pool, load_codebook, load_pool
from selectie.codebook import codebook_from_dict
from selectie.solve.backend import BACKENDS, get_backend

DATA = Path(__file__).parent / "data"

# Hypothesis profiles: "ci" (default) keeps the property suite to a few minutes on 2 cores;
# "nightly" runs many more examples
# (SELECTIE_HYPOTHESIS_PROFILE=nightly pytest tests/test_properties.py).
import os  # noqa: E402 - kept beside the profiles it serves

from hypothesis import HealthCheck, settings  # noqa: E402

_NO_TIMING = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("ci", max_examples=60, **_NO_TIMING)  # type: ignore[arg-type]
settings.register_profile("nightly", max_examples=1000, **_NO_TIMING)  # type: ignore[arg-type]
settings.load_profile(
    os.environ.get("SELECTIE_HYPOTHESIS_PROFILE") or os.environ.get("HYPOTHESIS_PROFILE", "ci")
)


def installed_backends() -> list[str]:
    """The solver backends that can run here (CBC always; HiGHS if highspy is installed)."""
    out = []
    for name in BACKENDS:
        try:
            get_backend(name)
        except Exception:  # a missing backend is skipped, not an error
            continue
        out.append(name)
    return out


@pytest.fixture(params=BACKENDS)
def solver(request: pytest.FixtureRequest) -> str:
    """Each backend in turn; HiGHS is skipped only when highspy is not installed."""
    if request.param not in installed_backends():
        pytest.skip(f"backend {request.param} is not installed")
    return str(request.param)


@pytest.fixture(scope="session")
def wodc_codebook() -> Codebook:
    return load_codebook()


@pytest.fixture(scope="session")
def wodc_pool() -> Pool:
    return load_pool()


TINY_CODEBOOK: dict[str, Any] = {
    "codebook": {"name": "tiny", "id_column": "id", "label_column": "name"},
    "attributes": [
        {"name": "colour", "values": ["red", "green", "blue"], "required": True},
        {"name": "size", "values": ["small", "large"]},
        {"name": "tags", "multi": True, "values": ["a", "b", "c"]},
    ],
}


@pytest.fixture(scope="session")
def tiny_codebook() -> Codebook:
    """Three attributes: colour (required), size, tags (multi-valued)."""
    return codebook_from_dict(TINY_CODEBOOK)


@pytest.fixture
def make_pool(tiny_codebook: Codebook) -> Callable[..., Pool]:
    """Build a pool from (id, colour, size, tags) tuples or dicts, with the tiny codebook."""

    def make(
        rows: Iterable[tuple[str, str, str, str] | Mapping[str, Any]],
        codebook: Codebook | None = None,
    ) -> Pool:
        records = []
        for r in rows:
            if isinstance(r, Mapping):
                records.append(dict(r))
            else:
                case_id, colour, size, tags = r
                records.append(
                    {
                        "id": case_id,
                        "name": f"case {case_id}",
                        "colour": colour,
                        "size": size,
                        "tags": tags,
                    }
                )
        return Pool.from_records(records, codebook or tiny_codebook)

    return make
