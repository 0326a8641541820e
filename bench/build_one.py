"""One MkDocs build in this process; prints wall time, peak memory, pages, output size as JSON.

Usage: build_one.py MKDOCS_YML SITE_DIR (run by bench/run.py, one process per build).
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
from pathlib import Path


class _Rendered(logging.Handler):
    """Counts the handouts the plugin reports as rendered (not taken from the cache)."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "handout" in record.getMessage() and "rendered in" in record.getMessage():
            _Rendered.count += 1


def main() -> None:
    config_file, site_dir = sys.argv[1], Path(sys.argv[2])
    start = time.perf_counter()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").addHandler(_Rendered())
    errors = logging.StreamHandler(sys.stderr)
    errors.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(errors)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    build(load_config(config_file, site_dir=str(site_dir)))
    seconds = time.perf_counter() - start
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "pages": sum(1 for p in files if p.name == "index.html"),
                "output_mb": sum(p.stat().st_size for p in files) / 1e6,
                "rendered": _Rendered.count,
            }
        )
    )


if __name__ == "__main__":
    main()
