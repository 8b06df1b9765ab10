"""sopbook's speed tricks, each measured, in one place: worker processes and pausing the cycle collector.

``in_parallel`` is the one way the core spreads work over processes (parsing files, running the rules,
formatting). ``collector_paused`` is for the doors only: ``cli.main`` switches the collector off for
one-shot commands and the MkDocs plugin pauses it around a build's generation; the core never touches it.
"""
from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Shared = TypeVar("Shared")

_shared: Any = None
"""In a worker process: the ``shared`` value of the call that forked it (inherited, never pickled)."""


def cores() -> int:
    """How many processes may work at once."""
    return os.cpu_count() or 1


def _inherit(shared: Any) -> None:
    global _shared  # noqa: PLW0603 - set once in each forked worker, by the executor's initializer
    _shared = shared


def _work_on(work: Callable[[Any, Sequence[Any]], list[Any]], chunk: Sequence[Any]) -> list[Any]:
    return work(_shared, chunk)


def in_parallel(work: Callable[[Shared, Sequence[Item]], list[Result]], shared: Shared, items: Sequence[Item], *,
                threshold: int, jobs: int | None = None, own_share: float = 1.0,
                chunks_per_worker: int = 8, min_chunk: int = 1) -> list[Result]:
    """``work(shared, items)``, computed in chunks by forked worker processes when it pays.

    ``work`` maps a chunk of ``items`` to a list of results, in order; the results of the chunks are
    joined in order, so the answer is the same as ``work(shared, items)`` in this process. Workers are
    forked, so they inherit ``shared`` (a knowledge base, say) without pickling it; only the chunks and
    their results cross. This process works on the first ``own_share`` times an equal share meanwhile:
    its results need no pickling (more than 1 when the workers' pickling makes them slower).

    Serial below ``threshold`` items, with one core, without ``fork`` (Windows, macOS' default), and
    when other threads run: forking a process that runs threads (``mkdocs serve``'s server) can copy
    a lock a thread holds and hang the child. Serial too when no process can be started.
    """
    workers = jobs if jobs is not None else cores()
    if workers <= 1 or len(items) < threshold or threading.active_count() > 1:
        return work(shared, items)
    # Imported here, when there is work to share: concurrent.futures and multiprocessing cost a warm
    # 'sopbook validate' (which parses nothing) a tenth of its time.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork here: spawning would re-import everything and pickle ``shared``
        return work(shared, items)
    own = min(len(items), int(len(items) / workers * own_share))
    rest = items[own:]
    size = max(min_chunk, -(-len(rest) // ((workers - 1) * chunks_per_worker)))
    chunks = [rest[start:start + size] for start in range(0, len(rest), size)]
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context, initializer=_inherit,
                                 initargs=(shared,)) as executor:
            pending = [executor.submit(_work_on, work, chunk) for chunk in chunks]
            mine = work(shared, items[:own])
            return mine + [result for future in pending for result in future.result()]
    except (OSError, BrokenProcessPool):  # no processes to be had (a sandbox, a limit), or a worker died
        return work(shared, items)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building large acyclic data (for the doors, not the core).

    Loading 10,000 procedures allocates a million dicts and lists; every few thousand allocations
    the collector walks all of them looking for cycles there are none of. Measured: building the
    model of 10,000 procedures takes 0.53 s with it and 0.18 s without.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
