"""The datatrove step, run for real: JSONL in, a two-task local pipeline, JSONL out."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from boilerstrip.core import classify, clean
from boilerstrip.types import Label

DATA = Path(__file__).parent / "data"
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")


def _require(module: str) -> ModuleType:
    """Import an engine; in CI its absence is a failure, elsewhere a skip."""
    try:
        return __import__(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {module} (extra of boilerstrip): {exc}")
        pytest.skip(f"{module} is not installed")


def _corpus() -> list[tuple[str, str]]:
    lines = SEED.splitlines()
    return [
        ("seed", SEED),
        ("head", "\n".join(lines[:6])),
        ("tail", "\n".join(lines[6:])),
        ("paragraphs", "\n\n".join(lines)),
        ("blank", " \n\t\n"),
        ("chrome", "Home | News | Sport | Weather\nShare on Facebook\nShare on Twitter"),
        (
            "german",
            "Der Gemeinderat hat am Montag nach langer Debatte beschlossen, die alte Brücke "
            "im kommenden Frühjahr zu sanieren. Die Kosten trägt zum größten Teil das Land.",
        ),
    ]


def _expected_metadata(text: str) -> dict[str, Any]:
    decisions = classify(text)
    removed = Counter(d.kind.value for d in decisions if d.label is not Label.BODY)
    return {
        "blocks": len(decisions),
        "blocks_removed": sum(removed.values()),
        "chars_removed": len(text) - len(clean(text)),
        "removed_by_kind": removed,
    }


def _write_jsonl(path: Path, docs: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")


def _read_jsonl(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def _total(stat: Any) -> int:
    """A stat's total: datatrove saves a stat counted by ones as a plain number."""
    return int(stat if isinstance(stat, (int, float)) else stat["total"])


def test_pipeline_with_two_tasks_cleans_every_document_and_records_removals(
    tmp_path: Path,
) -> None:
    _require("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    corpus = _corpus()
    # One input file per task; the seed page's body is in both.
    parts = [corpus[0::2], corpus[1::2]]
    (tmp_path / "in").mkdir()
    for rank, part in enumerate(parts):
        _write_jsonl(tmp_path / "in" / f"part-{rank}.jsonl", part)

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "in")),
            BoilerstripCleaner(),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2,
        logging_dir=str(tmp_path / "logs"),
    ).run()

    # Each task kept a document, so each wrote its own output file.
    assert all(any(clean(text) for _, text in part) for part in parts)
    assert sorted(p.name for p in (tmp_path / "out").glob("*.jsonl")) == [
        "00000.jsonl",
        "00001.jsonl",
    ]
    rows = {row["id"]: row for row in _read_jsonl(tmp_path / "out")}
    kept = {doc_id: text for doc_id, text in corpus if clean(text)}
    assert set(rows) == set(kept)
    assert "blank" not in rows
    for doc_id, text in kept.items():
        row = rows[doc_id]
        assert row["text"] == clean(text), doc_id
        meta = row["metadata"]["boilerstrip"]
        expected = _expected_metadata(text)
        assert meta["blocks"] == expected["blocks"], doc_id
        assert meta["blocks_removed"] == expected["blocks_removed"], doc_id
        assert meta["chars_removed"] == expected["chars_removed"], doc_id
        by_kind = meta["removed_by_kind"]
        assert "body" not in by_kind
        assert {k: v for k, v in by_kind.items() if v} == dict(expected["removed_by_kind"])

    # The merged stats of both tasks count every document and every removal.
    merged = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    (ours,) = [step for step in merged if "boilerstrip" in step["name"]]
    stats = ours["stats"]
    n_empty = len(corpus) - len(kept)
    assert n_empty >= 1
    assert _total(stats["total"]) == len(corpus)
    assert _total(stats["forwarded"]) == len(kept)
    assert _total(stats["dropped"]) == n_empty
    assert _total(stats["empty"]) == n_empty
    all_expected = [_expected_metadata(text) for _, text in corpus]
    assert _total(stats["blocks_removed"]) == sum(e["blocks_removed"] for e in all_expected)
    assert _total(stats["chars_removed"]) == sum(e["chars_removed"] for e in all_expected)
    kind_totals: Counter[str] = Counter()
    for e in all_expected:
        kind_totals.update(e["removed_by_kind"])
    assert {
        name.removeprefix("removed_"): _total(value)
        for name, value in stats.items()
        if name.startswith("removed_")
    } == dict(kind_totals)


def test_keep_empty_forwards_empty_documents_and_still_counts_them() -> None:
    _require("datatrove")
    from datatrove.data import Document

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    step = BoilerstripCleaner(keep_empty=True, keep_title=True, metadata_key="strip")
    corpus = [*_corpus(), ("empty", "")]
    docs = [Document(text=text, id=doc_id) for doc_id, text in corpus]
    out = list(step.run(iter(docs)))

    assert [d.id for d in out] == [doc_id for doc_id, _ in corpus]
    for (doc_id, text), doc in zip(corpus, out, strict=True):
        assert doc.text == clean(text, keep_title=True), doc_id
        assert doc.metadata["strip"]["chars_removed"] == len(text) - len(doc.text)
        assert "boilerstrip" not in doc.metadata
    n_empty = sum(1 for _, text in corpus if not clean(text, keep_title=True))
    assert n_empty >= 2
    assert step.stats["empty"].total == n_empty
    assert step.stats["forwarded"].total == len(docs)
    assert step.stats["dropped"].total == 0
    # With the title kept, no title block is counted as removed.
    assert step.stats["removed_title"].total == 0


def test_a_document_without_text_names_its_id() -> None:
    _require("datatrove")
    from datatrove.data import Document

    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    step = BoilerstripCleaner()
    doc = Document(text=None, id="page-17")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"document 'page-17'.*NoneType"):
        list(step.run(iter([doc])))
