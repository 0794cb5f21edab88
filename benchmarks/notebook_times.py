"""How long each notebook, and each of its code cells, takes to run from a fresh kernel.

    .venv/bin/python benchmarks/notebook_times.py [--runs 3] [--slow 3] [notebooks/05*.ipynb ...]
    .venv/bin/python benchmarks/notebook_times.py --runs 1 --json times.json

Every run starts a new kernel (a fresh Python process, as "Restart Kernel and Run All Cells"
does) in notebooks/, with the environment ``make notebooks`` gives it, and executes the cells
in order with nbclient; nothing is written back to the notebook. Runs are interleaved
(every notebook once, then every notebook again, ...) so that the load other programs put on
the machine touches the notebooks alike; the load averages are printed before every run.

For each notebook the summary gives the median and the maximum over the runs of

- ``cells``: the time from the first cell's start to the last cell's end, what a learner
  waits for after "Run All" in a kernel that is already running;
- ``fresh``: the same plus the kernel's start, what "Restart Kernel and Run All" costs;

and every code cell whose median time is at least ``--slow`` seconds, with its index in the
notebook's cell list (markdown cells counted) and its first line. A cell's time is from the
kernel's "busy" to its "idle" for that cell, its outputs included. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS_SHOWN = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")
# What ``make notebooks`` exports to every process it starts.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}


def cpu() -> str:
    """The CPU's model, its logical CPUs and the instruction-set flags that matter for Keras."""
    from padstride.mnist.training import cpu_info  # reads /proc/cpuinfo; no TensorFlow import

    name, flags = cpu_info()
    shown = ", ".join(f for f in FLAGS_SHOWN if f in flags) or "none of " + ", ".join(FLAGS_SHOWN)
    return f"CPU: {name or platform.processor() or 'unknown'}, {os.cpu_count()} logical CPUs; flags: {shown}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("tensorflow", "keras", "nbclient", "ipykernel"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return f"{platform.platform()}; Python {platform.python_version()}; " + ", ".join(found)


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def run_once(path: Path, timeout: int) -> dict:
    """Execute the notebook at ``path`` in a new kernel; the seconds of every code cell."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    env = {**os.environ, **KERNEL_ENV}
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with client.setup_kernel(env=env, cwd=str(path.parent)):
        ready = time.perf_counter()
        cells = {}
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            timing = cell.metadata["execution"]
            cells[index] = _seconds(timing["iopub.status.busy"], timing["iopub.status.idle"])
        done = time.perf_counter()
    return {"kernel_start": ready - start, "cells_wall": done - ready, "cells": cells}


def first_line(path: Path, index: int) -> str:
    import nbformat

    source = nbformat.read(path, as_version=4).cells[index].source
    line = next((line for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 72 else line[:71] + "…"


def summary(path: Path, runs: list[dict], slow: float) -> list[str]:
    good = [run for run in runs if "error" not in run]
    if not good:
        return [f"{path.name}: every run failed ({runs[0]['error']})"]
    cells = [run["cells_wall"] for run in good]
    fresh = [run["cells_wall"] + run["kernel_start"] for run in good]
    lines = [
        f"{path.name}: cells {statistics.median(cells):.1f} s (max {max(cells):.1f}), "
        f"fresh {statistics.median(fresh):.1f} s (max {max(fresh):.1f}), {len(good)} runs"
    ]
    for index in good[0]["cells"]:
        times = [run["cells"][index] for run in good]
        if statistics.median(times) >= slow:
            lines.append(
                f"  cell {index:>2}: {statistics.median(times):5.1f} s (max {max(times):5.1f})  "
                f"{first_line(path, index)}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--runs", type=int, default=3, help="fresh kernels per notebook (default 3)")
    parser.add_argument("--slow", type=float, default=3.0, help="list cells of at least this many seconds")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a cell may take")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args()
    if args.runs < 1:
        sys.exit(f"--runs {args.runs} is not allowed: give 1 or more")
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)}")

    print(cpu())
    print(versions())
    results: dict[Path, list[dict]] = {path: [] for path in paths}
    for round_ in range(1, args.runs + 1):
        for path in paths:
            load = os.getloadavg()
            try:
                run = run_once(path, args.timeout)
            except Exception as error:  # a failing notebook is reported, the others still run
                run = {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
            run["load"] = load
            results[path].append(run)
            took = "failed" if "error" in run else f"{run['cells_wall']:.1f} s"
            print(
                f"run {round_}/{args.runs} {path.name}: {took}  (load {' '.join(f'{v:.1f}' for v in load)})",
                flush=True,
            )
    loads = [run["load"][0] for runs in results.values() for run in runs]
    print(f"\n1-minute load averages before the runs: {min(loads):.1f}–{max(loads):.1f}")
    for path, runs in results.items():
        print("\n".join(summary(path, runs, args.slow)))
    if args.json:
        args.json.write_text(
            json.dumps(
                {str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p): r for p, r in results.items()},
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
