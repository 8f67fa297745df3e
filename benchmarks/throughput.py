"""Throughput of ``boilerstrip clean`` on ~10,000 pages of ~10 KB, beside jusText and C4.

Usage::

    python benchmarks/throughput.py DATA_DIR [--work-dir /tmp/boilerstrip-bench]

``DATA_DIR`` holds the benchmark sets (wcxb-dev, mozilla-readability, dragnet,
cleaneval, l3s-gn1). Their HTML is converted to text with boilerstrip's
default converter and cut or joined into pages of about ``--page-bytes``
bytes; the corpus (``pages.jsonl``) and a 10 MB document are cached in
``--work-dir``, never in the repository. Then, in one run:

* the ``boilerstrip clean`` command on the whole corpus at ``-j 1`` and
  ``-j 2`` (wall time of the whole command: start-up, model load, JSON
  reading and writing), and its peak memory; ``--command-runs`` pairs, one
  ``-j 1`` run then one ``-j 2`` run each, so that each ratio compares runs
  minutes apart; the speed-up reported is the median of the pairs' ratios;
  and beside each pair, two ``-j 1`` commands at once on half the corpus
  each, which shows what the machine's two cores give two processes that
  share nothing (the ceiling for ``-j 2``);
* :func:`boilerstrip.clean` on each page, and :func:`boilerstrip.clean_batch`
  on chunks of 64 pages (as the command and ``clean_many`` clean them), in
  this process, one thread (BLAS pinned to one): first with the allocator as
  a process has it by default, then again after
  :func:`boilerstrip.batch.keep_freed_memory` (as the command's processes run);
* :func:`boilerstrip.clean_many` with ``n_jobs=1`` (in this process, memory
  kept) and ``n_jobs=2`` (worker processes started before the timing),
  ``--command-runs`` pairs: the ratio the 1.7x target is stated for;
* the C4 line rules and jusText (``boilerstrip.peers``) on the same texts;
* the model's load time in a fresh process and its file size;
* peak memory of a process cleaning one 10 MB document.

The results replace the section between ``<!-- throughput:start -->`` and
``<!-- throughput:end -->`` in ``benchmarks/RESULTS.md``; other sections stay.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from corpus import (
    ALL_HTML,
    command_line,
    html_files,
    read_html,
    read_jsonl,
    write_jsonl,
    write_section,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START_MARK = "<!-- throughput:start -->"
END_MARK = "<!-- throughput:end -->"

DEFAULT_PAGES = 10_000
DEFAULT_PAGE_BYTES = 10_000
"""~10 KB: the size the issue's throughput target is stated for."""

DEFAULT_PEER_PAGES = 1_000
"""jusText runs at tens of pages per second: 1,000 pages measure it within a minute."""

BIG_DOCUMENT_BYTES = 10_000_000
"""The single large document whose peak memory is measured."""

TARGET_DOCS_PER_CORE = 450
TARGET_SPEEDUP = 1.7
TARGET_PAGES_PER_S = 500
"""The library's target: pages a second on one core for ~10 KB pages."""
DEFAULT_COMMAND_RUNS = 3
"""Pairs of ``-j 1`` / ``-j 2`` runs: on a shared machine one pair's ratio moves by
±10% from run to run; the median of three moves less."""

CHUNK = 64
"""Pages given to ``clean_batch`` at a time: the command's default chunk."""


def _python() -> str:
    return sys.executable


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


# --- corpus ---------------------------------------------------------------------------------


def _source_texts(data_dir: Path, work_dir: Path) -> list[str]:
    cache = work_dir / "source-texts.jsonl"
    if cache.exists():
        return read_jsonl(cache)
    from boilerstrip.convert import html_to_text

    texts: list[str] = []
    files = html_files(data_dir, ALL_HTML)
    if not files:
        raise SystemExit(f"{data_dir}: no benchmark HTML found (looked for {ALL_HTML[0]}, ...)")
    print(
        f"converting {len(files):,} HTML pages to text (once; cached in {cache})", file=sys.stderr
    )
    for path in files:
        html = read_html(path)
        try:
            text = html_to_text(html)
        except Exception as exc:  # a page the converter cannot read is left out
            print(f"  skipped {path}: {exc}", file=sys.stderr)
            continue
        if text.strip():
            texts.append(text)
    write_jsonl(cache, texts)
    return texts


def _pages(texts: Sequence[str], *, count: int, size: int) -> Iterator[str]:
    """``count`` pages of about ``size`` UTF-8 bytes, cut at line ends.

    Page ``i`` starts with source text ``i``; shorter texts are followed by the
    next ones until the page is full, so pages keep real layout and noise.
    """
    n = len(texts)
    for i in range(count):
        lines: list[str] = []
        total = 0
        j = i
        while total < size:
            for line in texts[j % n].split("\n"):
                lines.append(line)
                total += len(line.encode("utf-8")) + 1
                if total >= size:
                    break
            j += 1
        yield "\n".join(lines)


@dataclass(frozen=True)
class Corpus:
    path: Path
    texts: list[str]
    megabytes: float


def build_corpus(data_dir: Path, work_dir: Path, *, count: int, size: int) -> Corpus:
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"pages-{count}x{size}.jsonl"
    if path.exists():
        texts = [row["text"] for row in read_jsonl(path)]
    else:
        texts = list(_pages(_source_texts(data_dir, work_dir), count=count, size=size))
        write_jsonl(path, ({"id": i, "text": text} for i, text in enumerate(texts)))
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return Corpus(path=path, texts=texts, megabytes=megabytes)


# --- measurements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    docs: int
    megabytes: float
    peak_rss_mb: float

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds


LAUNCH_SCRIPT = """
import os, resource, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stdout.write(f"{usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command from a small fresh process and prints its peak RSS (kB). A child
forked straight from this (large) benchmark process would count this process's
pages in its own peak until it execs."""


def _tree(pid: int) -> set[int]:
    """``pid`` and every process below it (Linux ``/proc``)."""
    found = {pid}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for child in children:
            found |= _tree(int(child))
    return found


def _peak_kb(pid: int) -> int:
    """The peak RSS (``VmHWM``, kB) of one process so far; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


PEAK_SAMPLE_S = 0.1
"""How often the process tree's peaks are read while a command runs. The
``-j N`` workers are forked from a server process, not from the command, so
the command's own resource usage does not include them."""


def _run_measured(argv: Sequence[str], work_dir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command: the largest process of its
    tree (from the operating system's count for the command and the children it
    waited for, and from samples of every process under it)."""
    log = work_dir / "command.log"
    peak = 0
    with log.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [_python(), "-c", LAUNCH_SCRIPT, *argv], env=_env(), stdout=subprocess.PIPE, stderr=err
        )
        while proc.poll() is None:
            for pid in _tree(proc.pid) - {proc.pid}:
                peak = max(peak, _peak_kb(pid))
            time.sleep(PEAK_SAMPLE_S)
        seconds = time.perf_counter() - started
        assert proc.stdout is not None
        printed = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{log.read_text()}")
    return seconds, max(peak, int(printed.split()[-1])) / 1024  # kB on Linux


def time_command(corpus: Corpus, work_dir: Path, jobs: int, model: Path | None) -> Run:
    out = work_dir / f"out-j{jobs}.jsonl"
    argv = [_python(), "-m", "boilerstrip", "clean", str(corpus.path), "-o", str(out)]
    if model is not None:
        argv += ["--model", str(model)]
    seconds, peak = _run_measured([*argv, "-j", str(jobs), "-q"], work_dir)
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    if lines != len(corpus.texts):
        raise SystemExit(f"-j {jobs}: {lines} records out of {len(corpus.texts)}")
    out.unlink()
    return Run(seconds, len(corpus.texts), corpus.megabytes, peak)


def _halves(corpus: Corpus, work_dir: Path) -> list[Path]:
    """The corpus file cut in two halves (cached beside it)."""
    paths = [work_dir / f"{corpus.path.stem}-half-{n}.jsonl" for n in (1, 2)]
    if not all(path.exists() for path in paths):
        lines = corpus.path.read_bytes().splitlines(keepends=True)
        middle = len(lines) // 2
        for path, part in zip(paths, (lines[:middle], lines[middle:]), strict=True):
            path.write_bytes(b"".join(part))
    return paths


def time_side_by_side(corpus: Corpus, work_dir: Path, model: Path | None) -> Run:
    """Two ``-j 1`` commands at once, each on half the corpus: what two cores of
    this machine give two independent processes, the most ``-j 2`` could reach."""
    commands = []
    for n, half in enumerate(_halves(corpus, work_dir), start=1):
        out = work_dir / f"out-half-{n}.jsonl"
        argv = [_python(), "-m", "boilerstrip", "clean", str(half), "-o", str(out), "-j", "1"]
        if model is not None:
            argv += ["--model", str(model)]
        commands.append(([*argv, "-q"], out))
    started = time.perf_counter()
    procs = [subprocess.Popen(argv, env=_env(), stderr=subprocess.PIPE) for argv, _ in commands]
    failures = [(p, p.communicate()[1]) for p in procs]
    seconds = time.perf_counter() - started
    for proc, err in failures:
        if proc.returncode != 0:
            raise SystemExit(f"side-by-side -j 1 failed ({proc.returncode}):\n{err.decode()}")
    lines = 0
    for _, out in commands:
        lines += sum(1 for _ in out.open(encoding="utf-8"))
        out.unlink()
    if lines != len(corpus.texts):
        raise SystemExit(f"side by side: {lines} records out of {len(corpus.texts)}")
    return Run(seconds, len(corpus.texts), corpus.megabytes, 0.0)


def time_in_process(name: str, func: object, texts: Sequence[str], *, chunk: int = 0) -> Run:
    """Time ``func`` on every text, or on chunks of ``chunk`` texts when ``chunk`` > 0."""
    extract = func if callable(func) else None
    assert extract is not None
    started = time.perf_counter()
    if chunk:
        for lo in range(0, len(texts), chunk):
            extract(texts[lo : lo + chunk])
    else:
        for text in texts:
            extract(text)
    seconds = time.perf_counter() - started
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"  {name}: {len(texts) / seconds:,.0f} pages/s", file=sys.stderr)
    return Run(seconds, len(texts), megabytes, 0.0)


def time_clean_many(texts: Sequence[str], *, n_jobs: int, model: Any) -> Run:
    """Time ``clean_many(texts, n_jobs=n_jobs)`` to the last cleaned page."""
    import boilerstrip

    started = time.perf_counter()
    n = sum(1 for _ in boilerstrip.clean_many(texts, n_jobs=n_jobs, model=model))
    seconds = time.perf_counter() - started
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"  clean_many(n_jobs={n_jobs}): {n / seconds:,.0f} pages/s", file=sys.stderr)
    return Run(seconds, n, megabytes, 0.0)


LOAD_SCRIPT = """
import sys, time
t0 = time.perf_counter()
import boilerstrip.core
from boilerstrip.model import Model, default_model_path
t1 = time.perf_counter()
path = sys.argv[1] if len(sys.argv) > 1 else default_model_path()
Model.load(path)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, __import__("os").path.getsize(path))
"""

BIG_SCRIPT = """
import resource, sys, time
import boilerstrip
from boilerstrip.model import Model, default_model
model = Model.load(sys.argv[2]) if len(sys.argv) > 2 else default_model()
boilerstrip.clean("warm up", model=model)
def status(field):
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith(field + ":"))
# Reset the peak to the current size (it still counts the pages of the process
# this one was forked from), then measure from there.
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = status("VmRSS")
text = open(sys.argv[1], encoding="utf-8").read()
t = time.perf_counter()
out = boilerstrip.clean(text, model=model)
seconds = time.perf_counter() - t
peak = status("VmHWM")
print(before / 1024, peak / 1024, seconds, len(text.encode("utf-8")), len(out.encode("utf-8")))
"""


@dataclass(frozen=True)
class ModelLoad:
    import_s: float
    load_s: float
    file_bytes: int


def time_model_load(model: Path | None) -> ModelLoad:
    extra = [str(model)] if model is not None else []
    out = subprocess.run(
        [_python(), "-c", LOAD_SCRIPT, *extra],
        env=_env(),
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    return ModelLoad(float(out[0]), float(out[1]), int(out[2]))


@dataclass(frozen=True)
class BigDocument:
    rss_before_mb: float
    rss_peak_mb: float
    seconds: float
    in_bytes: int
    out_bytes: int


def measure_big_document(corpus: Corpus, work_dir: Path, model: Path | None) -> BigDocument:
    path = work_dir / f"big-document-{BIG_DOCUMENT_BYTES}.txt"
    if not path.exists():
        parts: list[str] = []
        total = 0
        while total < BIG_DOCUMENT_BYTES:  # the corpus pages, again if there are few
            for text in corpus.texts:
                parts.append(text)
                total += len(text.encode("utf-8")) + 1
                if total >= BIG_DOCUMENT_BYTES:
                    break
        path.write_text("\n".join(parts), encoding="utf-8")
    out = subprocess.run(
        [_python(), "-c", BIG_SCRIPT, str(path), *([str(model)] if model is not None else [])],
        env=_env(),
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    return BigDocument(float(out[0]), float(out[1]), float(out[2]), int(out[3]), int(out[4]))


# --- report ---------------------------------------------------------------------------------


def _section(
    *,
    args: argparse.Namespace,
    corpus: Corpus,
    pairs: Sequence[tuple[Run, Run]],
    side_by_side: Sequence[Run],
    here: Run,
    batched: Run,
    here_kept: Run,
    batched_kept: Run,
    many_pairs: Sequence[tuple[Run, Run]],
    c4: Run | None,
    justext: Run | None,
    peer_note: str,
    load: ModelLoad,
    big: BigDocument,
    minutes: float,
    load_avg: tuple[float, float, float],
) -> str:
    ratios = [j2.docs_per_s / j1.docs_per_s for j1, j2 in pairs]
    speedup = statistics.median(ratios)
    many_ratios = [two.docs_per_s / one.docs_per_s for one, two in many_pairs]
    many_speedup = statistics.median(many_ratios)
    many_one = _median_run([one for one, _ in many_pairs])
    many_two = _median_run([two for _, two in many_pairs])
    j1 = _median_run([j1 for j1, _ in pairs])
    j2 = _median_run([j2 for _, j2 in pairs])
    ceilings = [
        both.docs_per_s / one.docs_per_s for (one, _), both in zip(pairs, side_by_side, strict=True)
    ]
    ceiling = statistics.median(ceilings)
    two = _median_run(side_by_side)
    per_core_ok = j1.docs_per_s >= TARGET_DOCS_PER_CORE
    speedup_ok = speedup >= TARGET_SPEEDUP
    mean_kb = corpus.megabytes * 1000 / len(corpus.texts)
    lines = [
        START_MARK,
        "## Throughput",
        "",
        f"Generated {date.today().isoformat()} by `{args.command}` "
        f"in {minutes:.1f} minutes on {platform.machine()}, "
        f"{os.cpu_count()} cores (shared; load average {load_avg[0]:.2f} at start), "
        f"Python {platform.python_version()}, "
        + ("the shipped model" if args.model is None else f"model file `{args.model.name}`")
        + ". Rerun that command to regenerate this section.",
        "",
        f"Input: {len(corpus.texts):,} pages of text ({corpus.megabytes:,.1f} MB, "
        f"{mean_kb:.1f} KB a page on average) made from the HTML of the benchmark sets "
        "(converted with boilerstrip's default converter; short pages joined with the next "
        "ones and cut at a line end near 10 KB), as one JSONL file.",
        "",
        f"The command rows give the median of {len(pairs)} runs each; the runs go "
        "`-j 1`, `-j 2`, two `-j 1` side by side, and again.",
        "",
        "| what | docs/s | MB/s | wall s | peak RSS MB |",
        "|---|---|---|---|---|",
        f"| `boilerstrip clean pages.jsonl -o out.jsonl -j 1` | {j1.docs_per_s:,.0f} | "
        f"{j1.mb_per_s:.2f} | {j1.seconds:.1f} | {j1.peak_rss_mb:,.0f} |",
        f"| `boilerstrip clean pages.jsonl -o out.jsonl -j 2` | {j2.docs_per_s:,.0f} | "
        f"{j2.mb_per_s:.2f} | {j2.seconds:.1f} | {j2.peak_rss_mb:,.0f} (largest process) |",
        f"| two `-j 1` commands at once, each on half the pages | {two.docs_per_s:,.0f} | "
        f"{two.mb_per_s:.2f} | {two.seconds:.1f} | - |",
        f"| `boilerstrip.clean(text)`, one thread, in process | {here.docs_per_s:,.0f} | "
        f"{here.mb_per_s:.2f} | {here.seconds:.1f} | - |",
        f"| `boilerstrip.clean_batch(texts)`, {CHUNK} pages a call, one thread, in process | "
        f"{batched.docs_per_s:,.0f} | {batched.mb_per_s:.2f} | {batched.seconds:.1f} | - |",
        f"| `clean(text)` again, after `keep_freed_memory()` | {here_kept.docs_per_s:,.0f} | "
        f"{here_kept.mb_per_s:.2f} | {here_kept.seconds:.1f} | - |",
        f"| `clean_batch(texts)` again, after `keep_freed_memory()` | "
        f"{batched_kept.docs_per_s:,.0f} | {batched_kept.mb_per_s:.2f} | "
        f"{batched_kept.seconds:.1f} | - |",
        f"| `boilerstrip.clean_many(texts, n_jobs=1)`, in process, after `keep_freed_memory()` | "
        f"{many_one.docs_per_s:,.0f} | {many_one.mb_per_s:.2f} | {many_one.seconds:.1f} | - |",
        f"| `boilerstrip.clean_many(texts, n_jobs=2)`, worker processes already started | "
        f"{many_two.docs_per_s:,.0f} | {many_two.mb_per_s:.2f} | {many_two.seconds:.1f} | - |",
    ]
    if c4 is not None:
        lines.append(
            f"| C4 line rules (`boilerstrip.peers`), {c4.docs:,} pages | {c4.docs_per_s:,.0f} | "
            f"{c4.mb_per_s:.2f} | {c4.seconds:.1f} | - |"
        )
    if justext is not None:
        lines.append(
            f"| jusText on the text (`boilerstrip.peers`), {justext.docs:,} pages | "
            f"{justext.docs_per_s:,.0f} | {justext.mb_per_s:.2f} | {justext.seconds:.1f} | - |"
        )
    lines += [
        "",
        "Ratios:",
        "",
        f"- `clean_many(n_jobs=2)` / `clean_many(n_jobs=1)`: **{many_speedup:.2f}x**, the "
        f"median of {len(many_pairs)} pairs' ratios "
        f"({', '.join(f'{r:.2f}' for r in many_ratios)}) (target ≥ {TARGET_SPEEDUP}x: "
        f"{'met' if many_speedup >= TARGET_SPEEDUP else 'not met'}). Both keep their freed "
        "memory (the workers always do; this process does from the `keep_freed_memory()` "
        "rows on).",
        f"- The command's `-j 2` / `-j 1`: **{speedup:.2f}x**, the median of the "
        f"{len(pairs)} pairs' ratios "
        f"({', '.join(f'{r:.2f}' for r in ratios)}; -j 1 "
        f"{', '.join(f'{a.docs_per_s:,.0f}' for a, _ in pairs)} docs/s, -j 2 "
        f"{', '.join(f'{b.docs_per_s:,.0f}' for _, b in pairs)}) "
        f"({'at or above' if speedup_ok else 'below'} {TARGET_SPEEDUP}x). The command's "
        "main process reads and writes the JSON lines while the two workers clean, on the "
        "same two cores.",
        f"- Two independent `-j 1` commands side by side / one `-j 1`: {ceiling:.2f}x "
        f"(median of {', '.join(f'{r:.2f}' for r in ceilings)}): what this machine's two "
        "cores give two processes that share nothing, the ceiling for `-j 2`. "
        f"`-j 2` reaches {speedup / ceiling:.0%} of it.",
        f"- `-j 1` through the whole command: **{j1.docs_per_s:,.0f} docs/s** on one core "
        f"(target ≥ {TARGET_DOCS_PER_CORE}: {'met' if per_core_ok else 'not met'}); the command "
        f"runs at {j1.docs_per_s / batched_kept.docs_per_s:.0%} of `clean_batch()` in process "
        "with freed memory kept (the same cleaning plus start-up, model load, JSON reading "
        "and writing).",
        f"- In process, one core, target ≥ {TARGET_PAGES_PER_S} pages/s: `clean()` "
        f"{_verdict(here.docs_per_s)} by default and {_verdict(here_kept.docs_per_s)} with "
        f"freed memory kept; `clean_batch()` {_verdict(batched.docs_per_s)} by default and "
        f"**{_verdict(batched_kept.docs_per_s)}** with freed memory kept. "
        f"`clean_batch()` / `clean()`: {batched.docs_per_s / here.docs_per_s:.2f}x by default, "
        f"{batched_kept.docs_per_s / here_kept.docs_per_s:.2f}x with freed memory kept. "
        "By default glibc gives a batch's working memory back to the system "
        "after each call and the next call faults it in again, page by page: "
        "`keep_freed_memory()` (or `MALLOC_TRIM_THRESHOLD_` and `MALLOC_MMAP_THRESHOLD_` "
        "set to 67108864 in the environment) lets the process keep it.",
    ]
    if c4 is not None:
        lines.append(
            f"- `clean()` / C4 rules: {here.docs_per_s / c4.docs_per_s:.2f}x the pages per second."
        )
    if justext is not None:
        lines.append(
            f"- `clean()` / jusText: {here.docs_per_s / justext.docs_per_s:.1f}x "
            f"the pages per second; `clean_batch()` / jusText: "
            f"{batched.docs_per_s / justext.docs_per_s:.1f}x by default, "
            f"{batched_kept.docs_per_s / justext.docs_per_s:.1f}x with freed memory kept "
            "(target ≥ 6x)."
        )
    if peer_note:
        lines.append(f"- {peer_note}")
    lines += [
        "",
        f"Model: file {load.file_bytes / 1e6:.2f} MB; in a fresh process, importing boilerstrip "
        f"takes {load.import_s:.2f} s and loading the model {load.load_s:.2f} s.",
        "",
        f"One {big.in_bytes / 1e6:.1f} MB document: cleaned in {big.seconds:.1f} s "
        f"({big.in_bytes / 1e6 / big.seconds:.2f} MB/s); peak RSS {big.rss_peak_mb:,.0f} MB "
        f"against {big.rss_before_mb:,.0f} MB with the model loaded before it "
        f"(+{big.rss_peak_mb - big.rss_before_mb:,.0f} MB, "
        f"{(big.rss_peak_mb - big.rss_before_mb) / (big.in_bytes / 1e6):.0f}x the input size).",
        "",
        "Timings are wall-clock. The machine runs other jobs too (see the load average "
        "above: above 2 means the 2 cores were oversubscribed), which slows every row and "
        "most of all `-j 2`; rerun on an idle machine for the numbers to compare with the "
        "targets.",
        END_MARK,
    ]
    return "\n".join(lines) + "\n"


def _median_run(runs: Sequence[Run]) -> Run:
    """The run of median wall time (the upper one of an even number)."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def _verdict(pages_per_s: float) -> str:
    met = "met" if pages_per_s >= TARGET_PAGES_PER_S else "not met"
    return f"{pages_per_s:,.0f} ({met})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder with the benchmark sets")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/boilerstrip-bench"))
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--page-bytes", type=int, default=DEFAULT_PAGE_BYTES)
    parser.add_argument("--peer-pages", type=int, default=DEFAULT_PEER_PAGES)
    parser.add_argument(
        "--command-runs",
        type=int,
        default=DEFAULT_COMMAND_RUNS,
        help="pairs of -j 1 / -j 2 runs of the command (default: %(default)s)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--model", type=Path, help="a model file (default: the shipped one)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    args.command = command_line("throughput.py", argv)
    if args.work_dir.resolve().is_relative_to(ROOT):
        parser.error("--work-dir must be outside the repository")
    started = time.perf_counter()
    load_avg = os.getloadavg()
    sys.path.insert(0, str(ROOT))

    corpus = build_corpus(args.data_dir, args.work_dir, count=args.pages, size=args.page_bytes)
    print(f"corpus: {len(corpus.texts):,} pages, {corpus.megabytes:.1f} MB", file=sys.stderr)

    load = time_model_load(args.model)
    pairs: list[tuple[Run, Run]] = []
    side_by_side: list[Run] = []
    for _ in range(max(1, args.command_runs)):
        j1 = time_command(corpus, args.work_dir, 1, args.model)
        j2 = time_command(corpus, args.work_dir, 2, args.model)
        two = time_side_by_side(corpus, args.work_dir, args.model)
        pairs.append((j1, j2))
        side_by_side.append(two)
        print(
            f"  clean -j 1: {j1.docs_per_s:,.0f} docs/s, -j 2: {j2.docs_per_s:,.0f} docs/s "
            f"({j2.docs_per_s / j1.docs_per_s:.2f}x), two -j 1 side by side: "
            f"{two.docs_per_s:,.0f} docs/s ({two.docs_per_s / j1.docs_per_s:.2f}x)",
            file=sys.stderr,
        )

    import boilerstrip
    from boilerstrip.batch import keep_freed_memory, single_threaded_blas
    from boilerstrip.model import Model, default_model

    single_threaded_blas()  # one core: no second BLAS thread
    model = Model.load(args.model) if args.model else default_model()
    here = time_in_process("clean()", lambda t: boilerstrip.clean(t, model=model), corpus.texts)
    batched = time_in_process(
        "clean_batch()",
        lambda ts: boilerstrip.clean_batch(ts, model=model),
        corpus.texts,
        chunk=CHUNK,
    )
    keep_freed_memory()  # from here on, for the rest of this process
    here_kept = time_in_process(
        "clean(), memory kept", lambda t: boilerstrip.clean(t, model=model), corpus.texts
    )
    batched_kept = time_in_process(
        "clean_batch(), memory kept",
        lambda ts: boilerstrip.clean_batch(ts, model=model),
        corpus.texts,
        chunk=CHUNK,
    )

    # The worker processes are started (and load the model) before the timing:
    # what is compared is cleaning in one process against cleaning in two.
    many_model = Model.load(args.model) if args.model else None
    list(boilerstrip.clean_many(corpus.texts[: 8 * CHUNK], n_jobs=2, model=many_model))
    many_pairs = [
        (
            time_clean_many(corpus.texts, n_jobs=1, model=many_model),
            time_clean_many(corpus.texts, n_jobs=2, model=many_model),
        )
        for _ in range(max(1, args.command_runs))
    ]

    c4: Run | None = None
    justext: Run | None = None
    peer_note = ""
    try:
        from boilerstrip.peers import make_system
    except ImportError:
        peer_note = "peers not measured: boilerstrip.peers is not available in this checkout."
    else:
        subset = corpus.texts[: args.peer_pages]
        c4_system = make_system("c4")
        c4 = time_in_process("c4", lambda t: c4_system.extract(text=t, html=None), corpus.texts)
        try:
            js = make_system("justext")
        except Exception as exc:  # the bench extra may be missing
            peer_note = f"jusText not measured: {exc}"
        else:
            justext = time_in_process("justext", lambda t: js.extract(text=t, html=None), subset)
            peer_note = (
                f"jusText read the first {len(subset):,} pages (it is slow); "
                "the others read all of them."
            )

    big = measure_big_document(corpus, args.work_dir, args.model)
    minutes = (time.perf_counter() - started) / 60
    section = _section(
        args=args,
        corpus=corpus,
        pairs=pairs,
        side_by_side=side_by_side,
        here=here,
        batched=batched,
        here_kept=here_kept,
        batched_kept=batched_kept,
        many_pairs=many_pairs,
        c4=c4,
        justext=justext,
        peer_note=peer_note,
        load=load,
        big=big,
        minutes=minutes,
        load_avg=load_avg,
    )
    print(section)
    if not args.no_write:
        write_section(section, args.results, start=START_MARK, end=END_MARK)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
