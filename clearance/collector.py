"""The cyclic garbage collector, told to run less often around allocation-heavy work.

Rendering a document and classifying a chunk of people each allocate millions of small objects
that nearly all live until the work is done and form no cycles. Python's default (a collection
of the youngest generation every 700 net allocations, older ones in turn) keeps scanning them
for nothing: a classification chunk spent about half of its row-building time in the collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fewer_collections(young_threshold: int) -> Iterator[None]:
    """Collect the youngest generation only every `young_threshold` net allocations inside the block.

    Thresholds are per process, so a concurrent block in another thread may restore the default
    early; that costs speed, never correctness. Memory grows at most by the garbage in cycles
    made inside the block, which the next collection frees.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], young_threshold), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
