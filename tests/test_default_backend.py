"""The default backend has one home (selectie.solve.default.DEFAULT), and falls back to CBC
without highspy.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import selectie
from selectie.freedom import freedom
from selectie.sensitivity import sensitivity
from selectie.solve.default import DEFAULT, highs_installed

#: Every public function that takes ``solver=``: those of ``selectie.__all__``, and
#: ``freedom`` and ``sensitivity`` from their modules.
PUBLIC: list[Callable[..., Any]] = [
    *(
        f
        for f in (getattr(selectie, name) for name in selectie.__all__)
        if inspect.isfunction(f) and "solver" in inspect.signature(f).parameters
    ),
    freedom,
    sensitivity,
]

#: Run with highspy hidden: ``import highspy`` fails and ``find_spec`` finds nothing.
HIDE_HIGHSPY = "import sys; sys.modules['highspy'] = None; "


def test_default_is_highs_when_installed() -> None:
    """With highspy installed (as here), the default is HiGHS."""
    if not highs_installed():
        pytest.skip("highspy is not installed")
    assert DEFAULT == "highs"


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: f.__name__)
def test_public_functions_default_to_the_one_constant(fn: Callable[..., Any]) -> None:
    """Each public function's solver= default is selectie.solve.default.DEFAULT."""
    assert inspect.signature(fn).parameters["solver"].default == DEFAULT


def test_cli_solver_option_defaults_to_the_constant() -> None:
    """The command line's --solver default is the same constant."""
    from selectie.cli._options import Solver

    assert Solver.default == DEFAULT


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_HIGHSPY + code],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_without_highspy_the_default_is_cbc() -> None:
    """Without highspy, DEFAULT is 'cbc' and select runs on CBC, saying so in its result."""
    out = _run(
        "from selectie.solve.default import DEFAULT; "
        "from selectie import load_pool, load_scenario, select; "
        "sel = select(load_pool(), load_scenario()); "
        "print(DEFAULT, sel.solver.name, sel.status.value, len(sel.ids))"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["cbc", "cbc", "optimal", "13"]


def test_without_highspy_the_cli_manifest_names_cbc() -> None:
    """Without highspy, `selectie select -f json` exits 0 and its manifest names CBC."""
    out = _run(
        "import runpy; sys.argv = ['selectie', 'select', '-f', 'json']; "
        "runpy.run_module('selectie', run_name='__main__')"
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["manifest"]["solver"]["name"] == "cbc"
