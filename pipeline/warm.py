"""Imported by the worker pool's forkserver before it forks reader processes (:mod:`pipeline.workers`).

underthesea's part-of-speech tagger (used on short phrases by :mod:`extractors.tasks.clauses`,
through :mod:`extractors.tagger`) costs ~0.4 s of CPU to load, lazily, on a process's first
document that needs it.
Loaded here once, every reader forked from the forkserver starts with it (shared copy-on-write):
a batch, a chunk on a pool worker or the API pays it once, not once per reader process.

A tagger that cannot load is not an error here: the readers then load it (and fail) themselves,
where the failure is reported against a document.
"""

from __future__ import annotations

import contextlib

import pipeline.stages  # noqa: F401  (the readers and extractors, imported once for every fork)

with contextlib.suppress(Exception):
    from extractors.tagger import pos_tag

    pos_tag("Sở Nội vụ chủ trì")
