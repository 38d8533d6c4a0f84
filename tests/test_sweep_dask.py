"""The sweep on a real Dask cluster: a ``distributed.LocalCluster`` with worker processes
gives the same DataFrame as the local run (needs the ``dask`` extra).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from selectie import load_pool, load_scenario
from selectie.sweep import sweep

distributed = pytest.importorskip("distributed")


def test_sweep_on_a_local_dask_cluster_equals_the_local_run() -> None:
    """Two worker processes of a LocalCluster solve the grid; the frame is the local one."""
    pool, scenario = load_pool(), load_scenario()
    sizes, overlaps = [6, 13, 16], [1, 2]
    with ThreadPoolExecutor(1) as local:
        expected = sweep(pool, scenario, sizes=sizes, overlaps=overlaps, executor=local)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # the scheduler's HTTP server would take port 8787 and warn when that is taken
            # (another cluster on the machine): any free port, no dashboard
            scheduler_kwargs={"dashboard_address": ":0", "dashboard": False},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        frame = sweep(pool, scenario, sizes=sizes, overlaps=overlaps, executor=executor)
        workers = client.run(lambda: True)  # the cluster really had worker processes
    assert len(workers) == 2
    assert frame.equals(expected)
    assert "error" not in set(frame["status"])  # the equal frames hold real answers
    assert "optimal" in set(frame["status"])
