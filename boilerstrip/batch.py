"""Run one function over many items in worker processes, in order, losing none.

:func:`parallel_map` is the single parallel mechanism of boilerstrip: the
``clean`` command and :func:`boilerstrip.clean_many` are both built on it.

* **Ordered**: outcomes come back in the order of the input.
* **Streaming**: the input is read lazily and only a few chunks per worker are
  in flight at once, so memory stays flat however long the input is.
* **Nothing lost**: every item yields exactly one :class:`Outcome`. An
  exception raised for one item becomes that item's error and the others go
  on. If a worker process dies (killed, out of memory, crashed in C code), the
  items of the chunks it took down are run again one at a time, so only the
  item that kills a worker ends as an error.
* **Processes**: ``n_jobs > 1`` runs ``func`` in that many joblib (loky) worker
  processes, except for an input of one chunk, which runs in this process at
  once (so an item that kills its process takes this one with it); ``n_jobs=1``
  runs it in this process; ``n_jobs=0`` uses every core. Workers are reused
  between calls, so a worker loads boilerstrip's model once (``default_model()``
  is cached per process) and keeps it; the model is never sent with the work.

* **Batched**: given ``batched``, a function that does what ``func`` does for
  a whole chunk at once, each chunk is first given to it (faster when work on
  many items shares a fixed cost, as cleaning does). If it raises, the
  chunk's items are run one at a time with ``func``, so that a bad item
  fails alone and the others are kept.

* **Preloaded**: given ``preload``, module names, the workers are forked from
  a server process (multiprocessing's ``forkserver``) that imported those
  modules once, instead of each worker starting a new interpreter and
  importing them itself (``benchmarks/throughput.py`` times boilerstrip's
  import in a fresh process). The server is started once per process, with the first
  ``preload`` given, and keeps those modules for the process's life. Where
  the platform has no fork server (Windows), the workers start as usual. The
  command line uses it; a library caller need not.

``func`` (and ``batched``) must be picklable for ``n_jobs > 1``: a function
defined at module level, or a :func:`functools.partial` of one.

Example:
    >>> outcomes = list(parallel_map(len, ["a", "bcd", None]))
    >>> [o.value for o in outcomes]
    [1, 3, None]
    >>> outcomes[2].error
    "TypeError: object of type 'NoneType' has no len()"
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import chain, islice
from typing import Any, Generic, TypeVar, cast

from boilerstrip.errors import BoilerstripError

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_CHUNK_SIZE = 64
"""Items sent to a worker at a time: enough to make the hand-off cost small
against ~1 ms of work per web page, few enough to keep output flowing."""

CHUNKS_IN_FLIGHT_PER_WORKER = 2
"""One chunk running and one queued per worker: no worker waits for the next
chunk while the parent collects a result, and memory stays bounded."""

WORKER_IDLE_TIMEOUT = 300
"""Seconds an idle worker process stays alive (with its model loaded) for the
next call before it exits."""


class ItemError(BoilerstripError):
    """The function raised for one item; raised by :meth:`Outcome.unwrap`."""


@dataclass(frozen=True)  # no slots: they break ``Outcome[str](...)`` on Python < 3.12
class Outcome(Generic[R]):
    """What happened to one item: its ``value``, or the ``error`` it raised.

    ``index`` is the item's position in the input (0-based). ``error`` is
    ``"ExceptionType: message"`` and ``error_type`` the exception's class
    name; both are ``None`` when the item succeeded.

    >>> Outcome(index=0, value=3).unwrap()
    3
    >>> Outcome(index=4, error="ValueError: no", error_type="ValueError").ok
    False
    """

    index: int
    value: R | None = None
    error: str | None = None
    error_type: str | None = None

    @property
    def ok(self) -> bool:
        """True when the function returned for this item."""
        return self.error is None

    def unwrap(self) -> R:
        """The value, or :class:`ItemError` naming the item and its error."""
        if self.error is not None:
            raise ItemError(f"item {self.index} failed: {self.error}")
        return cast(R, self.value)


# What a worker sends back for one item: (True, value, "", "") or (False, None, type, message).
_Result = tuple[bool, Any, str, str]


def _describe(exc: BaseException) -> tuple[str, str]:
    name = type(exc).__name__
    message = str(exc)
    return name, f"{name}: {message}" if message else name


Batched = Callable[[Sequence[Any]], Sequence[Any]]
"""A function that maps a chunk of items to their values, in order, at once."""


def _run_chunk(
    func: Callable[[Any], Any], items: Sequence[Any], batched: Batched | None = None
) -> list[_Result]:
    """Apply ``func`` to each item, turning each item's exception into a result.

    With ``batched``, the chunk is given to it first; if it raises, or does not
    give one value per item, the items are run one at a time with ``func``.
    """
    if batched is not None and len(items) > 1:
        try:
            values = batched(items)
        except Exception:  # find the item that fails: run them one by one
            pass
        else:
            if len(values) == len(items):
                return [(True, value, "", "") for value in values]
    results: list[_Result] = []
    for item in items:
        try:
            results.append((True, func(item), "", ""))
        except Exception as exc:  # one item's failure must not stop its chunk
            name, text = _describe(exc)
            results.append((False, None, name, text))
    return results


@cache
def single_threaded_blas() -> None:
    """Pin BLAS (numpy's matrix products) to one thread in this process, once.

    boilerstrip multiplies small matrices: a second BLAS thread only spins
    (it doubled the CPU time of ``clean()`` without saving wall time), and
    with several worker processes the spinning threads take the cores the
    workers need. Called in the worker processes and by the command line,
    which own their process; in the user's process, a library call sets one
    thread only for its own length (:func:`one_blas_thread`) and puts the
    user's setting back.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # scikit-learn brings it; without it, nothing to do
        return
    threadpool_limits(limits=1, user_api="blas")


@cache
def _blas_controller() -> Any:
    """threadpoolctl's view of the BLAS libraries loaded (once), or None without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # scikit-learn brings it; without it, nothing to do
        return None
    return ThreadpoolController()


class _OneBlasThread:
    """The state behind :func:`one_blas_thread`: how many calls are inside it,
    and the caller's setting to put back when the last one leaves."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.limiter: Any = None


_ONE_BLAS_THREAD = _OneBlasThread()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run BLAS on one thread inside the ``with`` block; the setting before is restored after.

    The library's own calls (:func:`boilerstrip.clean`, ``clean_batch``,
    ``classify``) run in it: their matrix products are small (a batch's
    blocks by about a hundred columns), a second BLAS thread makes them
    slower, not faster (0.37 against 0.26 ms for 1,700 x 85 x 32), and it
    then spins, doubling the process's CPU time. Entering and leaving costs
    about 13 µs. Calls from several threads share one limit: the first in
    sets it, the last out puts the caller's setting back. While any call is
    inside, BLAS work of the other threads of the process runs on one
    thread too.
    """
    controller = _blas_controller()
    if controller is None:
        yield
        return
    state = _ONE_BLAS_THREAD
    with state.lock:
        if state.inside == 0:
            state.limiter = controller.limit(limits=1, user_api="blas")
        state.inside += 1
    try:
        yield
    finally:
        with state.lock:
            state.inside -= 1
            if state.inside == 0:
                state.limiter.restore_original_limits()
                state.limiter = None


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter numbers (``malloc.h``)."""

KEPT_FREE_BYTES = 64 << 20
"""Freed memory a process of ours keeps for its next batch, up to this much,
rather than give it back to the system (see :func:`keep_freed_memory`)."""


@cache
def keep_freed_memory() -> None:
    """Let this process keep the memory it frees for the next batch (glibc only), once.

    Cleaning a batch allocates and frees arrays of several MB. By default
    glibc gives memory back to the system as soon as a few MB of it are
    free at the top of the heap, and the next batch takes the pages again,
    one fault at a time: with :func:`boilerstrip.clean_batch` on 10 KB pages
    that costs much of what batching saves. Up to
    :data:`KEPT_FREE_BYTES` are now kept and reused: the process stays as
    large as its largest batch needed, and no larger, so memory is still flat
    in corpus size.

    The setting is for the whole process, so boilerstrip makes it only in
    processes of its own: the command line and the worker processes. In your
    own program, call this once if the program is yours to tune (or set
    ``MALLOC_TRIM_THRESHOLD_`` and ``MALLOC_MMAP_THRESHOLD_`` to ``67108864``
    in the environment). Elsewhere than glibc it does nothing.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no mallopt here (macOS, Windows)
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mallopt(M_TRIM_THRESHOLD, KEPT_FREE_BYTES)
    mallopt(M_MMAP_THRESHOLD, KEPT_FREE_BYTES)


RESOURCE_TRACKER_QUIET = "ignore:resource_tracker:UserWarning"
"""A ``-W`` filter for the worker processes' resource tracker (see
:func:`quiet_resource_tracker`)."""


def quiet_resource_tracker() -> None:
    """Keep the worker processes' resource tracker from warning on stderr.

    When a run with workers is interrupted (Ctrl-C), the workers are killed
    before they release their semaphores and temporary folders. joblib's
    resource tracker, a helper process of its own, then removes what is left
    and warns about each item ("resource_tracker: ... leaked", "...
    FileNotFoundError"), after the command's last line. Nothing is lost and
    nothing is left behind, so the warnings only hide the command's own
    message. The tracker is started with this process's ``-W`` options, so
    this adds :data:`RESOURCE_TRACKER_QUIET` to them; it changes no filter of
    this process. Called by the command line, which owns its process.
    """
    if RESOURCE_TRACKER_QUIET not in sys.warnoptions:
        sys.warnoptions.append(RESOURCE_TRACKER_QUIET)


def _run_chunk_in_worker(
    func: Callable[[Any], Any], items: Sequence[Any], batched: Batched | None = None
) -> list[_Result]:
    """:func:`_run_chunk` in a worker process, with BLAS pinned to one thread
    and freed memory kept for the next chunk."""
    single_threaded_blas()
    keep_freed_memory()
    return _run_chunk(func, items, batched)


def _outcomes(start: int, results: Sequence[_Result]) -> Iterator[Outcome[Any]]:
    for offset, (ok, value, name, text) in enumerate(results):
        if ok:
            yield Outcome(index=start + offset, value=value)
        else:
            yield Outcome(index=start + offset, error=text, error_type=name)


def resolve_n_jobs(n_jobs: int) -> int:
    """The number of processes ``n_jobs`` asks for: ``0`` means every core.

    >>> resolve_n_jobs(3)
    3
    """
    if n_jobs < 0:
        raise ValueError(f"n_jobs must be 0 (all cores) or a positive number, got {n_jobs}")
    if n_jobs == 0:
        import joblib

        return max(1, int(joblib.cpu_count()))
    return n_jobs


def parallel_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    n_jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    batched: Callable[[Sequence[T]], Sequence[R]] | None = None,
    preload: Sequence[str] = (),
) -> Generator[Outcome[R], None, None]:
    """Apply ``func`` to every item; yield one :class:`Outcome` per item, in input order.

    The input is consumed lazily, ``chunk_size`` items at a time, with at
    most ``CHUNKS_IN_FLIGHT_PER_WORKER`` chunks per worker in flight (in
    this process, one item at a time, or one chunk at a time with
    ``batched``; see the module's notes for what ``batched`` and
    ``preload`` do). Closing
    the generator early (``.close()``), or an exception raised by the input
    iterable, cancels the chunks not yet started; a chunk already started
    finishes, unread, and the workers stay for the next call. An interrupt
    (Ctrl-C) stops the worker processes.

    >>> [o.value for o in parallel_map(str.upper, ["a", "b"], n_jobs=1)]
    ['A', 'B']
    >>> upper_all = lambda chunk: [item.upper() for item in chunk]
    >>> [o.value for o in parallel_map(str.upper, ["a", "b"], batched=upper_all)]
    ['A', 'B']
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    return _map(
        func,
        items,
        workers=resolve_n_jobs(n_jobs),
        chunk_size=chunk_size,
        batched=batched,
        preload=preload,
    )


def _map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    chunk_size: int,
    batched: Callable[[Sequence[T]], Sequence[R]] | None,
    preload: Sequence[str],
) -> Generator[Outcome[R], None, None]:
    source = iter(items)
    if workers > 1:
        # An input of one chunk (a page or a few) is done here at once rather
        # than waiting for workers to start. Otherwise the pool keeps the size
        # asked for: resizing it between calls would restart workers.
        first = list(islice(source, chunk_size))
        second = list(islice(source, chunk_size)) if len(first) == chunk_size else []
        if not second:
            workers = 1
        source = chain(first, second, source)
    if workers == 1:
        yield from _map_here(func, source, chunk_size=chunk_size if batched else 1, batched=batched)
    else:
        yield from _map_in_processes(
            func, source, workers=workers, chunk_size=chunk_size, batched=batched, preload=preload
        )


def _map_here(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    chunk_size: int,
    batched: Callable[[Sequence[T]], Sequence[R]] | None,
) -> Generator[Outcome[R], None, None]:
    source = iter(items)
    index = 0
    while chunk := list(islice(source, chunk_size)):
        yield from _outcomes(index, _run_chunk(func, chunk, batched))
        index += len(chunk)


FORK_SERVER = "forkserver"
"""multiprocessing's start method for workers forked from a preloaded server."""


def _executor(workers: int, preload: Sequence[str] = ()) -> Any:
    import multiprocessing

    from joblib.externals.loky import get_reusable_executor

    if preload and FORK_SERVER in multiprocessing.get_all_start_methods():
        # The preload list is multiprocessing's own (process-wide) setting; it
        # is read when the server starts, once per process.
        multiprocessing.set_forkserver_preload(list(preload))
        return get_reusable_executor(
            max_workers=workers, timeout=WORKER_IDLE_TIMEOUT, context=FORK_SERVER
        )
    return get_reusable_executor(max_workers=workers, timeout=WORKER_IDLE_TIMEOUT)


def _map_in_processes(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    chunk_size: int,
    batched: Callable[[Sequence[T]], Sequence[R]] | None,
    preload: Sequence[str],
) -> Generator[Outcome[R], None, None]:
    source = iter(items)
    in_flight: deque[tuple[int, list[T], Future[list[_Result]]]] = deque()
    limit = workers * CHUNKS_IN_FLIGHT_PER_WORKER
    next_index = 0
    exhausted = False
    executor = _executor(workers, preload)
    try:
        while True:
            while not exhausted and len(in_flight) < limit:
                chunk = list(islice(source, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                executor, future = _submit(func, chunk, batched, workers, preload)
                in_flight.append((next_index, chunk, future))
                next_index += len(chunk)
            if not in_flight:
                return
            start, chunk, future = in_flight.popleft()
            try:
                results = future.result()
            except Exception:
                # The chunk as a whole failed (a worker died, or a result could
                # not be pickled): run its items one by one to save the others.
                results = _rerun_singly(func, chunk, workers, preload)
            yield from _outcomes(start, results)
    except (GeneratorExit, Exception):
        # Closed early, or an error in the input: drop the queued chunks. A
        # chunk a worker has started runs to its end, unread (a few items'
        # work), and the workers stay for the next call: stopping them here
        # races with loky's own bookkeeping, which then fails in its manager
        # thread (a traceback on stderr).
        for _, _, future in in_flight:
            future.cancel()
        raise
    except BaseException:  # Ctrl-C: stop the workers now
        # No cancel() first: the shutdown fails the pending futures itself, and
        # fails in its manager thread on a future that was cancelled before it.
        executor.shutdown(wait=True, kill_workers=True)
        raise


SUBMIT_ATTEMPTS = 3
"""Tries to hand a chunk to the pool. A worker that dies (one item killed it)
breaks the pool, and the pool may learn it only as the next chunk is handed
over; the next try then gets a new pool."""


def _submit(
    func: Callable[[T], R],
    chunk: list[T],
    batched: Callable[[Sequence[T]], Sequence[R]] | None,
    workers: int,
    preload: Sequence[str],
) -> tuple[Any, Future[list[_Result]]]:
    """Hand ``chunk`` to the pool (a new pool if a worker died); the pool and the future."""
    for attempt in range(1, SUBMIT_ATTEMPTS + 1):
        executor = _executor(workers, preload)
        try:
            return executor, executor.submit(_run_chunk_in_worker, func, chunk, batched)
        except BrokenProcessPool:
            if attempt == SUBMIT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


def _rerun_singly(
    func: Callable[[T], R], chunk: Sequence[T], workers: int, preload: Sequence[str]
) -> list[_Result]:
    results: list[_Result] = []
    for item in chunk:
        try:
            results.extend(_submit(func, [item], None, workers, preload)[1].result())
        except Exception as exc:
            name, text = _describe(exc)
            first_line = text.strip().splitlines()[0]
            results.append((False, None, name, f"worker failed: {first_line}"))
    return results


__all__ = [
    "CHUNKS_IN_FLIGHT_PER_WORKER",
    "DEFAULT_CHUNK_SIZE",
    "ItemError",
    "Outcome",
    "keep_freed_memory",
    "parallel_map",
    "resolve_n_jobs",
]
