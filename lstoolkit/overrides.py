"""The agency's override directory and the files MkDocs would publish from it.

Override templates (``<custom_dir>/lstoolkit/``) are read by lstoolkit, never published: MkDocs
copies every file of a theme directory into the site, so without this an override template, or
the target of a link placed there, would be served as it is. A file that links out of the
directory it sits in (docs or theme overrides) is refused: a pull request could otherwise publish
any file of the machine that builds the site.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError


def check_overrides(directories: Iterable[Path], *, project: Path) -> None:
    """Refuse an override directory, or a file in it, that links out of it."""
    for directory in directories:
        if not directory.exists() and not directory.is_symlink():
            continue
        parent = directory.parent.resolve()
        if not directory.resolve().is_relative_to(parent):
            raise _link_out(directory, project)
        for path in _walk(directory):
            if not path.resolve().is_relative_to(directory.resolve()):
                raise _link_out(path, project)


def unsafe_or_template_files(
    files: Iterable[Any], *, custom_dir: Path | None, docs_dir: Path, project: Path
) -> list[Any]:
    """MkDocs files not to publish: the override templates. Raises on a file linked from outside
    its directory."""
    templates = custom_dir / "lstoolkit" if custom_dir else None
    dropped = []
    for file in files:
        source = Path(file.abs_src_path) if file.abs_src_path else None
        if source is None:
            continue
        if templates is not None and source.is_relative_to(templates):
            dropped.append(file)
            continue
        for directory in (docs_dir, custom_dir):
            if directory is not None and source.is_relative_to(directory):
                if not source.resolve().is_relative_to(directory.resolve()):
                    raise _link_out(source, project)
    return dropped


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(directory):  # links to directories are not followed
        for name in [*dirs, *names]:
            yield Path(root) / name


def _link_out(path: Path, project: Path) -> LstoolkitError:
    try:
        shown = str(path.relative_to(project))
    except ValueError:
        shown = str(path)
    return LstoolkitError(
        "the file is a link to a file outside its directory; it is not read or published",
        Location(shown),
        hint="Copy the file into the project instead of linking to it.",
        code=FindingCode.UNSAFE_FILE,
    )
