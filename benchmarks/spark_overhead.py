"""Throughput of the Spark UDF against ``clean_many`` on the same pages.

The pages are the TRAIN sets' HTML (WCXB dev and Readability's test pages)
converted to text with resiliparse, cut to about ``--target-chars`` characters
at a line boundary and repeated in order until there are ``--pages`` of them.
The converted texts are cached outside the repository (``--cache``).

Four runs clean the same pages:

1. ``clean_many(pages, n_jobs=1)``: one process, the single-core baseline;
2. ``clean_many(pages, n_jobs=2)``: two worker processes, the two-core baseline;
3. Spark ``local[1]``: one Python worker, so its time over run 1 is Spark's own
   overhead (JVM, Arrow transfer, pandas);
4. Spark ``local[2]``: two Python workers, against run 2.

With ``--model FILE``, runs 1 and 2 are ``parallel_map`` over ``clean(text,
model=...)``, chunks cleaned with ``clean_batch`` (what ``clean_many`` is, for
the shipped model), and the Spark runs pass ``model_path``.

Each run first cleans a small warm-up sample, so that its worker processes
have started and loaded the model, then cleans all pages once, timed. Spark
reads the pages from a cached DataFrame. Every run must produce as many
characters as run 1, or the benchmark fails. Each run reports its wall time
and the CPU time of the whole process tree (JVM and Python workers included),
which other jobs on the machine hardly change.

Usage::

    python benchmarks/spark_overhead.py                 # writes its section of RESULTS.md
    python benchmarks/spark_overhead.py --pages 2000 --no-write
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus import (
    TRAIN_HTML,
    command_line,
    html_files,
    read_html,
    read_jsonl,
    write_jsonl,
    write_section,
)

DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_CACHE = Path("/tmp/boilerstrip-bench/spark-overhead-texts.jsonl")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START_MARK = "<!-- spark:start -->"
END_MARK = "<!-- spark:end -->"

DEFAULT_PAGES = 10_000
DEFAULT_TARGET_CHARS = 10_000
"""About 10 KB of text a page, the size of a typical news article page's text."""
MIN_PAGE_CHARS = 1_000
"""Shorter conversions (error pages, redirects) say nothing about throughput."""
PARTITIONS_PER_CORE = 4
"""Several partitions per core so that one slow partition does not idle a core."""
WARMUP_PAGES = 64
"""Enough for every Python worker to start and load the model before timing."""


@dataclass(frozen=True)
class Run:
    """One timed run over all pages."""

    name: str
    seconds: float
    cpu_seconds: float
    pages: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def tree_cpu_seconds() -> float:
    """CPU time (user + system) of this process and all its descendants, from /proc.

    Spark's JVM and its Python workers, and joblib's workers, descend from this
    process. A process that has ended counts through its parent's ``cutime``.
    Unlike wall time, this hardly changes when other programs share the cores.
    """
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), after pid and comm.
        cpu[pid] = sum(int(x) for x in fields[11:15]) / ticks
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _convert_all(data: Path, cache: Path) -> list[str]:
    """Every TRAIN page's text (resiliparse), converted once and cached as JSONL."""
    if cache.exists():
        return [row["text"] for row in read_jsonl(cache)]
    from boilerstrip.convert import Converter, html_to_text

    files = html_files(data, TRAIN_HTML)
    if not files:
        raise SystemExit(f"no TRAIN HTML found under {data} (wcxb-dev, mozilla-readability)")
    rows = [
        {
            "source": str(path.relative_to(data)),
            "text": html_to_text(read_html(path), converter=Converter.RESILIPARSE),
        }
        for path in files
    ]
    write_jsonl(cache, rows)
    return [row["text"] for row in rows]


def _cut(text: str, target: int) -> str:
    """``text`` cut at the last line end before ``target`` characters (or whole)."""
    if len(text) <= target:
        return text
    end = text.rfind("\n", 0, target)
    return text[: end if end > 0 else target]


def build_pages(data: Path, cache: Path, *, n_pages: int, target_chars: int) -> list[str]:
    sources = [_cut(t, target_chars) for t in _convert_all(data, cache)]
    sources = [t for t in sources if len(t) >= MIN_PAGE_CHARS]
    if not sources:
        raise SystemExit("no page text long enough to benchmark")
    return [sources[i % len(sources)] for i in range(n_pages)]


def _clean_with_file(text: str, path: str) -> str:
    from boilerstrip.core import clean
    from boilerstrip.integrations import worker_model

    return clean(text, model=worker_model(path))


def _clean_batch_with_file(texts: list[str], path: str) -> list[str]:
    from boilerstrip.core import clean_batch
    from boilerstrip.integrations import worker_model

    return clean_batch(texts, model=worker_model(path))


def _cleaned_lengths(pages: list[str], jobs: int, model_file: Path | None) -> Iterator[int]:
    if model_file is None:
        from boilerstrip.core import clean_many

        return (len(body) for body in clean_many(pages, n_jobs=jobs))
    # A model file is loaded once per worker here, not sent with every chunk as
    # clean_many(model=...) would; otherwise this is what clean_many does.
    from boilerstrip.batch import parallel_map

    func = functools.partial(_clean_with_file, path=str(model_file))
    batched = functools.partial(_clean_batch_with_file, path=str(model_file))
    outcomes = parallel_map(func, pages, n_jobs=jobs, batched=batched)
    return (len(o.unwrap()) for o in outcomes)


def run_baseline(pages: list[str], jobs: int, model_file: Path | None) -> tuple[Run, int]:
    """``clean_many`` (or ``parallel_map`` of ``clean`` with a model file) in ``jobs`` processes."""
    # Warm up: the worker processes start and load the model, as Spark's do.
    sum(_cleaned_lengths(pages[: WARMUP_PAGES * jobs], jobs, model_file))
    cpu_start, start = tree_cpu_seconds(), time.perf_counter()
    total = sum(_cleaned_lengths(pages, jobs, model_file))
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start
    name = "clean_many" if model_file is None else "parallel_map(clean)"
    plural = "process" if jobs == 1 else "processes"
    return Run(f"{name}, {jobs} {plural}", seconds, cpu, len(pages)), total


def run_spark(pages: list[str], cores: int, expected_total: int, model_file: Path | None) -> Run:
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from boilerstrip.integrations.spark import with_clean_column

    model_path = None if model_file is None else str(model_file)
    partitions = cores * PARTITIONS_PER_CORE
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(f"boilerstrip-bench-local{cores}")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        rows = [(i, text) for i, text in enumerate(pages)]
        df = spark.createDataFrame(rows, "id long, text string").repartition(partitions).cache()
        df.count()  # materialise the input: the timed run reads it from memory
        warm = spark.createDataFrame(rows[:WARMUP_PAGES], "id long, text string").repartition(cores)
        with_clean_column(warm, model_path=model_path).select(
            F.sum(F.length("clean_text"))
        ).collect()

        cpu_start, start = tree_cpu_seconds(), time.perf_counter()
        (row,) = (
            with_clean_column(df, model_path=model_path)
            .select(F.sum(F.length("clean_text")))
            .collect()
        )
        seconds = time.perf_counter() - start
        cpu = tree_cpu_seconds() - cpu_start
        if row[0] != expected_total:
            raise SystemExit(
                f"Spark local[{cores}] cleaned {row[0]} characters, the baseline {expected_total}"
            )
        return Run(f"Spark local[{cores}], pandas UDF", seconds, cpu, len(pages))
    finally:
        spark.stop()


def _load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def render(
    runs: list[Run], *, pages: list[str], loads: list[str], model_file: Path | None, command: str
) -> str:
    one, two, spark_one, spark_two = runs
    mean_chars = sum(len(p) for p in pages) / len(pages)
    mean_bytes = sum(len(p.encode("utf-8")) for p in pages) / len(pages)
    lines = [
        START_MARK,
        "## Spark overhead",
        "",
        f"Produced by `{command}`: {len(pages):,} pages of {mean_chars / 1000:.1f} K characters "
        f"({mean_bytes / 1000:.1f} KB of UTF-8) on average (TRAIN HTML of WCXB dev and "
        "Readability's test pages, converted with resiliparse, cut at ~10 K characters, "
        "repeated in order), "
        + ("the shipped model" if model_file is None else f"model file `{model_file.name}`")
        + ", warm workers (started, model loaded). "
        f"Python {platform.python_version()}, {os.cpu_count()} cores; "
        f"load average (1/5/15 min) before each run: {'; '.join(loads)}.",
        "",
        "| run | wall s | pages/s | vs. 1 process | CPU s | CPU vs. 1 process |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        ratio = run.pages_per_second / one.pages_per_second
        lines.append(
            f"| {run.name} | {run.seconds:.1f} | {run.pages_per_second:.0f} | {ratio:.2f}x "
            f"| {run.cpu_seconds:.1f} | {run.cpu_seconds / one.cpu_seconds - 1:+.0%} |"
        )
    lines += [
        "",
        "CPU s is the CPU time of the benchmark's whole process tree (for Spark: the JVM "
        "and its Python workers) during the timed run; it is the fairer measure when other "
        "programs share the machine, as the load averages show they did.",
        "",
        f"- Spark's overhead on one core (local[1] against {one.name}): "
        f"**{spark_one.seconds / one.seconds - 1:+.0%}** wall time, "
        f"**{spark_one.cpu_seconds / one.cpu_seconds - 1:+.0%}** CPU time.",
        f"- Spark's overhead on two cores (local[2] against {two.name}): "
        f"**{spark_two.seconds / two.seconds - 1:+.0%}** wall time, "
        f"**{spark_two.cpu_seconds / two.cpu_seconds - 1:+.0%}** CPU time.",
        "- Every Spark run produced exactly as many characters as the baseline.",
        END_MARK,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--target-chars", type=int, default=DEFAULT_TARGET_CHARS)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--model", type=Path, help="a model file (default: the shipped one)")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit RESULTS.md")
    args = parser.parse_args(argv)

    pages = build_pages(args.data, args.cache, n_pages=args.pages, target_chars=args.target_chars)
    runs: list[Run] = []
    loads: list[str] = []
    totals: list[int] = []
    for jobs in (1, 2):
        loads.append(_load_average())
        run, total = run_baseline(pages, jobs, args.model)
        if totals and total != totals[0]:
            raise SystemExit(f"{run.name} cleaned {total} characters, one process {totals[0]}")
        totals.append(total)
        runs.append(run)
        print(f"{run.name}: {run.seconds:.1f} s", file=sys.stderr)
    for cores in (1, 2):
        loads.append(_load_average())
        runs.append(run_spark(pages, cores, totals[0], args.model))
        print(f"{runs[-1].name}: {runs[-1].seconds:.1f} s", file=sys.stderr)
    section = render(
        runs, pages=pages, loads=loads, command=command_line("spark_overhead.py", argv)
    )
    print(section)
    if not args.no_write:
        write_section(section, args.results, start=START_MARK, end=END_MARK)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
