"""lstoolkit: publish an agency's adaptation of the Learning Supports toolkit."""

from __future__ import annotations

__version__ = "0.1.0"
