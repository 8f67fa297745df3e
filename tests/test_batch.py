"""parallel_map: order, laziness, errors that stay with their item, crashed workers."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from boilerstrip import batch, cli
from boilerstrip.batch import (
    CHUNKS_IN_FLIGHT_PER_WORKER,
    RESOURCE_TRACKER_QUIET,
    ItemError,
    Outcome,
    parallel_map,
    resolve_n_jobs,
)


def double_or_fail(x: int) -> int:
    """Doubles ``x``; fails for multiples of 7 so errors land mid-chunk."""
    if x % 7 == 3:
        raise ValueError(f"bad item {x}")
    return x * 2


def die_on_50(x: int) -> int:
    """Kills its worker process on item 50, as a segfault or the OOM killer would."""
    if x == 50:
        os._exit(3)
    return x + 1


def worker_pid(_: int) -> int:
    return os.getpid()


def double_all(xs: list[int]) -> list[int]:
    """double_or_fail for a whole chunk: one bad item fails the chunk."""
    return [double_or_fail(x) for x in xs]


def double_all_but_one_short(xs: list[int]) -> list[int]:
    """A batched function that loses an item: its chunk must be redone item by item."""
    return [x * 2 for x in xs][:-1]


def slow_double(x: int) -> int:
    time.sleep(0.01)
    return x * 2


@pytest.mark.parametrize(("n_jobs", "chunk_size"), [(1, 64), (2, 1), (2, 5), (2, 64)])
def test_outcomes_are_in_input_order_with_errors_kept_per_item(
    n_jobs: int, chunk_size: int
) -> None:
    outcomes = list(parallel_map(double_or_fail, range(60), n_jobs=n_jobs, chunk_size=chunk_size))
    assert [o.index for o in outcomes] == list(range(60))
    for o in outcomes:
        if o.index % 7 == 3:
            assert not o.ok
            assert o.value is None
            assert o.error == f"ValueError: bad item {o.index}"
            assert o.error_type == "ValueError"
        else:
            assert o.ok
            assert o.value == o.index * 2
            assert o.error is None


@pytest.mark.parametrize(("n_jobs", "chunk_size"), [(1, 1), (1, 10), (2, 10), (2, 64)])
@pytest.mark.parametrize("batched", [double_all, double_all_but_one_short])
def test_a_batched_chunk_that_fails_is_redone_item_by_item(
    n_jobs: int, chunk_size: int, batched: Callable[[list[int]], list[int]]
) -> None:
    unbatched = list(parallel_map(double_or_fail, range(60), n_jobs=n_jobs, chunk_size=chunk_size))
    outcomes = list(
        parallel_map(
            double_or_fail, range(60), n_jobs=n_jobs, chunk_size=chunk_size, batched=batched
        )
    )
    assert outcomes == unbatched


def test_batched_gets_whole_chunks_in_process() -> None:
    chunks: list[list[int]] = []

    def record(xs: list[int]) -> list[int]:
        chunks.append(list(xs))
        return [x * 2 for x in xs]

    values = [
        o.value for o in parallel_map(double_or_fail, range(10), chunk_size=4, batched=record)
    ]
    assert values == [x * 2 for x in range(10)]  # 3 would fail alone: the chunk's value is kept
    assert chunks == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


NO_FORK_SERVER = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
PRELOADS = [(), pytest.param(("boilerstrip.cli",), marks=NO_FORK_SERVER)]


@pytest.mark.parametrize("preload", PRELOADS)
def test_a_dead_worker_costs_only_the_item_that_killed_it(preload: tuple[str, ...]) -> None:
    outcomes = list(parallel_map(die_on_50, range(120), n_jobs=2, chunk_size=8, preload=preload))
    assert [o.index for o in outcomes] == list(range(120))
    failed = [o for o in outcomes if not o.ok]
    assert [o.index for o in failed] == [50]
    assert failed[0].error_type == "TerminatedWorkerError"
    assert failed[0].error is not None and failed[0].error.startswith("worker failed: ")
    assert [o.value for o in outcomes if o.ok] == [x + 1 for x in range(120) if x != 50]


class InlinePool:
    """A stand-in for the worker pool that runs each chunk at once in this
    process; a broken one refuses every chunk, as a pool whose worker died does."""

    def __init__(self, *, broken: bool) -> None:
        self.broken = broken

    def submit(self, fn: Callable[..., object], *args: object) -> Future[object]:
        if self.broken:
            raise BrokenProcessPool("a worker died")
        future: Future[object] = Future()
        future.set_result(fn(*args))
        return future


def test_a_pool_found_broken_at_hand_over_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool may learn that a worker died only as the next chunk is handed
    over: that chunk goes to a new pool, and no item is lost."""
    pools = iter([InlinePool(broken=False), InlinePool(broken=True)])
    monkeypatch.setattr(batch, "_executor", lambda *_args: next(pools, InlinePool(broken=False)))
    outcomes = list(parallel_map(double_or_fail, range(20), n_jobs=2, chunk_size=4))
    assert [o.index for o in outcomes] == list(range(20))
    assert [o.value for o in outcomes if o.ok] == [x * 2 for x in range(20) if x % 7 != 3]
    assert [o.index for o in outcomes if not o.ok] == [3, 10, 17]


def test_input_is_read_lazily_with_a_bounded_number_of_chunks_in_flight() -> None:
    pulled = 0

    def endless() -> Iterator[int]:
        nonlocal pulled
        for x in itertools.count():
            pulled += 1
            yield x

    chunk_size = 4
    outcomes = parallel_map(double_or_fail, endless(), n_jobs=2, chunk_size=chunk_size)
    first = next(outcomes)
    assert first.index == 0
    assert first.value == 0
    assert pulled <= 2 * CHUNKS_IN_FLIGHT_PER_WORKER * chunk_size
    rest = list(itertools.islice(outcomes, 99))
    assert [o.index for o in rest] == list(range(1, 100))
    assert pulled <= 100 + 2 * CHUNKS_IN_FLIGHT_PER_WORKER * chunk_size
    outcomes.close()


@pytest.fixture
def thread_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Exceptions raised in any thread (loky's manager thread among them) during the
    test; after it, the workers must still work and no thread may have raised."""
    errors: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(repr(args.exc_value)))
    yield errors
    assert [o.value for o in parallel_map(slow_double, range(20), n_jobs=2)] == list(
        range(0, 40, 2)
    )
    time.sleep(0.5)
    assert errors == []


def test_closing_early_while_workers_are_busy_leaves_no_thread_error(
    thread_errors: list[str],
) -> None:
    for _ in range(5):
        outcomes = parallel_map(slow_double, itertools.count(), n_jobs=2, chunk_size=8)
        assert [o.value for o in itertools.islice(outcomes, 10)] == list(range(0, 20, 2))
        outcomes.close()  # chunks are running and queued


def numbers_then_error(count: int) -> Iterator[int]:
    yield from range(count)
    raise ValueError("bad input")


def test_an_error_in_the_input_while_workers_are_busy_leaves_no_thread_error(
    thread_errors: list[str],
) -> None:
    for _ in range(5):
        outcomes = parallel_map(double_or_fail, numbers_then_error(7), n_jobs=2, chunk_size=1)
        with pytest.raises(ValueError, match="bad input"):
            list(outcomes)


def test_in_process_mode_is_lazy_too() -> None:
    outcomes = parallel_map(double_or_fail, itertools.count(), n_jobs=1)
    assert [o.value for o in itertools.islice(outcomes, 3)] == [0, 2, 4]


def test_two_jobs_use_other_processes_and_one_job_this_one() -> None:
    here = {o.value for o in parallel_map(worker_pid, range(10), n_jobs=1)}
    assert here == {os.getpid()}
    there = {o.value for o in parallel_map(worker_pid, range(200), n_jobs=2, chunk_size=4)}
    assert os.getpid() not in there


def imported(module: str) -> bool:
    return module in sys.modules


PRELOAD_COLORSYS = """
import json, os, sys
from boilerstrip.batch import parallel_map

def seen(_):
    return "colorsys" in sys.modules, os.getppid()

if __name__ == "__main__":
    preload = sys.argv[1:]
    outcomes = parallel_map(seen, range(8), n_jobs=2, chunk_size=1, preload=preload)
    print(json.dumps({"pid": os.getpid(), "seen": [o.value for o in outcomes]}))
"""


@NO_FORK_SERVER
@pytest.mark.parametrize("preload", [[], ["colorsys"]])
def test_preloaded_workers_start_with_the_modules_imported(preload: list[str]) -> None:
    """``colorsys``: a module that nothing else imports. In a new process, because
    the fork server, once started, keeps the modules it started with."""
    proc = subprocess.run(
        [sys.executable, "-c", PRELOAD_COLORSYS, *preload],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert {imported for imported, _ in printed["seen"]} == {bool(preload)}
    parents = {parent for _, parent in printed["seen"]}
    assert len(parents) == 1
    # Plain workers are the caller's children; preloaded ones, the server's.
    assert (parents == {printed["pid"]}) is not bool(preload)


def blas_threads(_: int) -> int:
    from threadpoolctl import threadpool_info

    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


@pytest.mark.parametrize("preload", PRELOADS)
def test_workers_run_blas_on_one_thread(preload: tuple[str, ...]) -> None:
    """Extra BLAS threads only spin on boilerstrip's small products and starve the workers."""
    outcomes = parallel_map(blas_threads, range(16), n_jobs=2, chunk_size=4, preload=preload)
    assert {o.value for o in outcomes} == {1}


def test_unwrap_returns_the_value_or_raises_naming_the_item() -> None:
    assert Outcome(index=0, value="x").unwrap() == "x"
    failed = Outcome[str](index=7, error="ValueError: bad", error_type="ValueError")
    with pytest.raises(ItemError, match=r"^item 7 failed: ValueError: bad$"):
        failed.unwrap()


def test_empty_input_gives_no_outcomes() -> None:
    assert list(parallel_map(double_or_fail, [], n_jobs=2)) == []
    assert list(parallel_map(double_or_fail, [], n_jobs=1)) == []


def test_n_jobs_zero_means_every_core() -> None:
    assert resolve_n_jobs(0) == max(1, os.cpu_count() or 1)
    assert resolve_n_jobs(2) == 2
    outcomes = list(parallel_map(double_or_fail, range(10), n_jobs=0))
    assert [o.index for o in outcomes] == list(range(10))


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="n_jobs must be 0"):
        parallel_map(double_or_fail, [1], n_jobs=-1)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        parallel_map(double_or_fail, [1], chunk_size=0)


LEAK_A_FOLDER = """
import sys
if sys.argv[1] == "quiet":
    from boilerstrip.batch import quiet_resource_tracker
    quiet_resource_tracker()
from joblib.externals.loky.backend import resource_tracker
# What a killed worker leaves: a resource registered and never released.
resource_tracker.register("/nonexistent/boilerstrip-test-folder", "folder")
"""


@pytest.mark.parametrize(("mode", "warns"), [("quiet", False), ("default", True)])
def test_quiet_resource_tracker_silences_the_tracker_s_warnings(mode: str, warns: bool) -> None:
    # The tracker outlives the process and warns after its last line; after
    # quiet_resource_tracker() it says nothing.
    proc = subprocess.run(
        [sys.executable, "-c", LEAK_A_FOLDER, mode],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert proc.returncode == 0
    assert ("resource_tracker" in proc.stderr) is warns, proc.stderr


def test_the_command_line_quiets_the_resource_tracker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "warnoptions", [])
    page = tmp_path / "page.txt"
    page.write_text("Share this\nThe council met on Monday and agreed to repair the bridge.\n")
    assert cli.main(["clean", str(page), "-o", str(tmp_path / "out.txt"), "-q"]) == 0
    assert sys.warnoptions == [RESOURCE_TRACKER_QUIET]
    # Once only, however often the command runs in one process.
    assert cli.main(["clean", str(page), "-o", str(tmp_path / "out.txt"), "-q"]) == 0
    assert sys.warnoptions == [RESOURCE_TRACKER_QUIET]


FAULT_PROBE = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from boilerstrip.batch import keep_freed_memory
    keep_freed_memory()
def churn():
    for _ in range(20):
        parts = [np.ones(250_000) for _ in range(8)]  # 16 MB in 2 MB arrays, then freed
        del parts
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="keep_freed_memory tunes glibc's allocator",
)
def test_keep_freed_memory_stops_refaulting_freed_arrays() -> None:
    """Arrays allocated and freed again and again: by default each round takes
    fresh pages from the kernel; with freed memory kept, the pages are reused."""
    faults = {}
    for mode in ("default", "keep"):
        out = subprocess.run(
            [sys.executable, "-c", FAULT_PROBE, mode], capture_output=True, text=True, check=True
        )
        faults[mode] = int(out.stdout)
    assert faults["default"] > 20 * 1000  # about 4,000 pages of 4 KB a round
    assert faults["keep"] < 1000


def test_overlapping_calls_share_one_blas_limit_and_the_last_restores_it() -> None:
    """Calls from two threads overlap (entered A, B; left A, B): BLAS stays on one
    thread until the last call leaves, then the caller's setting is back."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from boilerstrip.batch import one_blas_thread

    def threads() -> set[int]:
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):
        if threads() != {2}:
            pytest.skip(f"BLAS here cannot run two threads ({threads()})")
        first, second = one_blas_thread(), one_blas_thread()
        first.__enter__()
        second.__enter__()
        assert threads() == {1}
        first.__exit__(None, None, None)
        assert threads() == {1}  # the second call is still inside
        second.__exit__(None, None, None)
        assert threads() == {2}


@pytest.mark.parametrize(("count", "here"), [(0, set()), (3, {os.getpid()}), (4, {os.getpid()})])
def test_an_input_of_one_chunk_runs_in_this_process(count: int, here: set[int]) -> None:
    assert {o.value for o in parallel_map(worker_pid, range(count), n_jobs=8, chunk_size=4)} == here


def test_an_input_of_two_chunks_runs_in_workers() -> None:
    there = {o.value for o in parallel_map(worker_pid, range(5), n_jobs=2, chunk_size=4)}
    assert os.getpid() not in there
