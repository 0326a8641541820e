"""One roll-up in this process; prints its wall time and peak memory as JSON.

Usage: rollup_one.py STATE_YML DISTRICTS_DIR [JOBS] (run by bench/run.py, one process per size,
so that the children's peak is this roll-up's workers' alone).

Times ``lstoolkit.rollup.rollup`` (default jobs: one process per core) over every district file
under DISTRICTS_DIR, from the state's folder: wall seconds, and CPU seconds of this process and
its workers together (imports included, the steadier measure on a shared machine). The peaks are the high-water marks of resident
memory: this process's own (VmHWM), and the largest of its worker processes
(``RUSAGE_CHILDREN``); the workers run at the same time, so the roll-up's peak is at most this
process's plus the largest worker's times the number of workers.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstoolkit.rollup import find_district_files, rollup  # noqa: E402


def main() -> None:
    state, folder = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else None
    os.chdir(state.parent)  # as a state runs it: paths shown relative to its own folder
    files = find_district_files(folder, state_file=state)
    start = time.perf_counter()
    reports = rollup(state, files, jobs=jobs)
    seconds = time.perf_counter() - start
    with open("/proc/self/status") as status:
        own_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    workers = min(len(files), jobs or os.cpu_count() or 1)
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    worker_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if workers > 1 else 0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "districts": len(reports),
                "broken": sum(r.broken for r in reports),
                "workers": workers if workers > 1 else 0,
                "own_mb": own_kib / 1024,
                "worker_mb": worker_kib / 1024,
                "peak_mb": (own_kib + worker_kib * (workers if workers > 1 else 0)) / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
