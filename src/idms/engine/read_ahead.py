"""Reading and parsing in a second thread while the first one writes to the database.

An import spends about half its time waiting for the database; parsing the next rows meanwhile
makes it nearly twice as fast. The queue is bounded, so memory stays flat whatever the input.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_END = object()


class _Failure(Generic[T]):
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(
    items: Iterable[T], transform: Callable[[T], U], *, chunk: int = 500, depth: int = 8
) -> Iterator[U]:
    """``transform(item)`` for every item, in order, computed ahead in a worker thread.

    An exception raised while reading or transforming is raised here, at the point the consumer
    reaches it (after every item before it). Closing the iterator early stops the worker.
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        batch: list[U] = []
        try:
            for item in items:
                batch.append(transform(item))
                if len(batch) >= chunk:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
            put(_END)
        except BaseException as error:  # handed over to the consumer, never lost
            put(_Failure(error))

    worker = threading.Thread(target=work, name="idms-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            value = handoff.get()
            if value is _END:
                return
            if isinstance(value, _Failure):
                raise value.error
            yield from value  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=5)
