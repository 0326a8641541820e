"""Writing output without ever leaving it half-written.

Files are written to a temporary name beside their target and renamed into place. A site is
built into a staging directory beside the target and swapped in only when the build succeeded,
so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def staging_dir(target: Path) -> Path:
    """A fresh, empty directory beside ``target`` (same file system, so the swap is a rename)."""
    staging = target.with_name(f".{target.name}.lstoolkit-staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Put the finished ``staging`` directory in place of ``target``; then drop the old one."""
    previous = target.with_name(f".{target.name}.lstoolkit-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        os.replace(target, previous)
    os.replace(staging, target)
    shutil.rmtree(previous, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
