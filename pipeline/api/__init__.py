"""The HTTP API over the library (``directives api``); see :mod:`pipeline.api.app`."""

from __future__ import annotations

from pipeline.api.app import Runtime, create_app

__all__ = ["Runtime", "create_app"]
