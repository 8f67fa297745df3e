"""``boilerstrip eval`` on a tiny WCXB-layout fixture, through its argparse front end.

The fixture (tests/data/eval/wcxb) has three pages: 0001 (English, with a
navigation line and a share line around the body), 0002 (no gold file: a
read error) and 0003 (German, with a "read more" line). With the lxml
converter their texts are::

    0001: Home News Sport / Bridge repairs / The council met on Monday and
          agreed to repair the old bridge. / Share this story
    0003: Der Stadtrat hat am Montag beschlossen, die alte Brücke im Frühjahr
          zu reparieren. / Mehr lesen
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import benchmark_module

import boilerstrip
from boilerstrip.convert import html_to_text
from boilerstrip.datasets import Page, iter_pages
from boilerstrip.eval_cli import register
from boilerstrip.evaluate import shingle_counts
from boilerstrip.model import Model
from boilerstrip.peers import PeerUnavailableError, make_system
from boilerstrip.types import Label

FIXTURE = Path(__file__).parent / "data" / "eval" / "wcxb"


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="boilerstrip")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


def _run_json(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "report.json"
    status = _main(["eval", str(FIXTURE), "--converter", "lxml", "--json", str(out), *extra])
    return status, json.loads(out.read_text(encoding="utf-8"))


def _system(data: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in data["systems"] if s["system"] == name]
    return found


# Hand-computed shingle scores (tp, fp, fn before normalising):
# all-text 0001: 17 predicted shingles hold all 11 gold ones -> P=11/17, R=1
# all-text 0003: 12 predicted, 10 gold, all found           -> P=10/12, R=1
# c4 0001 keeps only the 12-word sentence: 9 shingles, all gold -> P=1, R=9/11
# c4 0003 keeps only the sentence                              -> P=1, R=1
ALL_TEXT_P = (11 / 17 + 10 / 12) / 2
C4_R = (9 / 11 + 1) / 2


def test_scores_counts_and_converter_in_json(tmp_path: Path) -> None:
    status, data = _run_json(tmp_path, "--system", "all-text", "c4", "--quiet")
    assert status == 0
    assert data["converter"] == "lxml"
    assert data["format"] == "wcxb"
    assert data["converted_pages"] == 2
    all_text, c4 = _system(data, "all-text"), _system(data, "c4")
    for system in (all_text, c4):
        assert (system["pages_read"], system["pages_scored"]) == (3, 2)
        assert system["errors"] == [{"id": "0002", "stage": "read", "reason": "no gold"}]
        assert [p["id"] for p in system["pages"]] == ["0001", "0003"]
    assert all_text["shingles"]["precision"] == pytest.approx(ALL_TEXT_P)
    assert all_text["shingles"]["recall"] == 1.0
    assert all_text["shingles"]["f1"] == pytest.approx(2 * ALL_TEXT_P / (ALL_TEXT_P + 1))
    assert all_text["shingles"]["f1_std"] > 0
    assert c4["shingles"]["precision"] == 1.0
    assert c4["shingles"]["recall"] == pytest.approx(C4_R)
    page = all_text["pages"][0]["shingles"]
    assert (page["tp"], page["fp"], page["fn"]) == pytest.approx((11 / 17, 6 / 17, 0.0))
    assert page["precision"] == pytest.approx(11 / 17)
    # Words: 0001 has 20 predicted tokens holding the 14 gold ones, 0003 15 holding 13.
    word_f1 = (2 * 0.7 / 1.7 + 2 * (13 / 15) / (28 / 15)) / 2
    assert all_text["words"]["f1"] == pytest.approx(word_f1)
    assert all_text["words"]["f1_median"] == pytest.approx(word_f1)
    assert all_text["snippets"] == {
        "with_found": 2,
        "with_total": 2,
        "without_absent": 0,
        "without_total": 2,
        "with_share": 1.0,
        "without_share": 0.0,
    }
    assert c4["snippets"]["without_absent"] == 2
    assert all_text["blocks"] is None
    assert all_text["removed"] is None


def test_table_lists_systems_converter_and_every_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _main(["eval", str(FIXTURE), "--converter", "lxml", "--system", "all-text", "c4"])
    assert status == 0
    out, err = capsys.readouterr()
    assert err == ""  # stderr is not a terminal here: no progress counter
    lines = out.splitlines()
    assert lines[0] == f"dataset   {FIXTURE}"
    assert lines[2].startswith("converter lxml ")
    assert lines[3] == "pages     3 read"
    header = lines[5].split()
    assert header == [
        "system",
        "F1",
        "P",
        "R",
        "wordF1",
        "median",
        "with",
        "without",
        "pages/s",
        "scored",
        "errors",
    ]
    all_text = next(line.split() for line in lines if line.startswith("all-text "))
    assert all_text[1].startswith(f"{100 * 2 * ALL_TEXT_P / (ALL_TEXT_P + 1):.1f}±")
    assert all_text[3].startswith("100.0±")
    assert (all_text[6], all_text[7], all_text[9], all_text[10]) == ("100.0", "0.0", "2", "1")
    c4 = next(line.split() for line in lines if line.startswith("c4 "))
    assert c4[2].startswith("100.0±")
    assert c4[3].startswith(f"{100 * C4_R:.1f}±")
    assert "errors (every system): 1" in lines
    assert "  0002  [read] no gold" in lines


def test_limit_counts_read_errors_too(tmp_path: Path) -> None:
    status, data = _run_json(tmp_path, "--system", "all-text", "--limit", "2")
    assert status == 0
    system = _system(data, "all-text")
    assert (system["pages_read"], system["pages_scored"], len(system["errors"])) == (2, 1, 1)


def test_repeated_system_runs_once(tmp_path: Path) -> None:
    _, data = _run_json(tmp_path, "--system", "c4", "--system", "c4", "all-text")
    assert [s["system"] for s in data["systems"]] == ["c4", "all-text"]


def test_unknown_layout_exits_2_naming_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _main(["eval", str(tmp_path), "--system", "all-text"])
    assert status == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert str(tmp_path) in err


def test_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        _main(["eval", str(FIXTURE), "--limit", "0"])
    assert raised.value.code == 2
    assert "argument --limit: must be 1 or more, got 0" in capsys.readouterr().err


def test_missing_peer_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes `import trafilatura` fail
    with pytest.raises(PeerUnavailableError, match=r"boilerstrip\[bench\]"):
        make_system("trafilatura")
    status = _main(["eval", str(FIXTURE), "--system", "all-text", "trafilatura"])
    assert status == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "'trafilatura'" in err
    assert "pip install 'boilerstrip[bench]'" in err


def test_html_system_reads_the_html(tmp_path: Path) -> None:
    _, data = _run_json(tmp_path, "--system", "resiliparse")
    system = _system(data, "resiliparse")
    assert (system["pages_read"], system["pages_scored"]) == (3, 2)
    assert system["shingles"]["recall"] > 0


JSONL = Path(__file__).parent / "data" / "eval" / "jsonl" / "pages.jsonl"


def test_text_pages_blocks_and_per_system_errors(capsys: pytest.CaptureFixture[str]) -> None:
    # t1: text page; line 2: cut JSON (read error); t3: text page with block gold.
    status = _main(["eval", str(JSONL), "--system", "c4", "resiliparse"])
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "format    jsonl"
    assert lines[2].startswith("converter lxml (HTML to text for text systems; 0 pages")
    c4 = next(line.split() for line in lines if line.startswith("c4 "))
    # t1: P=R=1; t3: the body sentence's 5 shingles of the 9 gold ones -> R=5/9.
    assert c4[2].startswith("100.0±")
    assert c4[3].startswith(f"{100 * (1 + 5 / 9) / 2:.1f}±")
    assert c4[-2:] == ["2", "1"]
    resiliparse = next(line.split() for line in lines if line.startswith("resiliparse "))
    assert resiliparse[1:6] == ["-"] * 5  # no page scored: no scores, not zeros
    assert resiliparse[-2:] == ["0", "3"]
    # Block gold of t3: title lost (fn), body kept (tp), related and noise removed (tn).
    assert "c4 blocks: 4 gold blocks, accuracy 75.0, content F1 66.7, noise F1 80.0" in lines
    assert "c4 kept by gold label: body 1/1, noise 0/1, related 0/1, title 0/1" in lines
    assert "errors (every system): 1" in lines
    assert any(line.startswith("  2  [read] malformed record: JSONDecodeError") for line in lines)
    assert "errors (resiliparse only): 2" in lines
    missing = "[extract] MissingHtmlError: resiliparse reads HTML, and this page has none"
    assert f"  t1  {missing}" in lines
    assert f"  t3  {missing}" in lines


def test_boilerstrip_is_the_default_and_counts_what_it_removed(tmp_path: Path) -> None:
    status, data = _run_json(tmp_path, "--quiet")
    assert status == 0
    (system,) = data["systems"]
    assert system["system"] == "boilerstrip"
    assert (system["pages_read"], system["pages_scored"]) == (3, 2)
    texts = [
        html_to_text(p.html or "", converter="lxml")
        for p in iter_pages(FIXTURE)
        if isinstance(p, Page)
    ]
    expected: dict[str, int] = {}
    for text in texts:
        for decision in boilerstrip.classify(text):
            if decision.label is Label.NOISE:
                expected[decision.kind.value] = expected.get(decision.kind.value, 0) + 1
    assert {r["kind"]: r["blocks"] for r in system["removed"]} == expected
    outputs = [boilerstrip.clean(t) for t in texts]
    first = shingle_counts(
        "Bridge repairs\nThe council met on Monday and agreed to repair the old bridge.", outputs[0]
    )
    assert system["pages"][0]["shingles"]["precision"] == pytest.approx(first.precision)
    assert system["pages"][0]["shingles"]["recall"] == pytest.approx(first.recall)


def test_model_option_scores_that_model(tmp_path: Path, toy: Model) -> None:
    path = tmp_path / "toy.joblib"
    toy.save(path)
    status, data = _run_json(tmp_path, "--quiet", "--model", str(path))
    assert status == 0
    (system,) = data["systems"]
    text = html_to_text(next(iter_pages(FIXTURE)).html or "", converter="lxml")  # type: ignore[union-attr]
    expected = shingle_counts(
        "Bridge repairs\nThe council met on Monday and agreed to repair the old bridge.",
        boilerstrip.clean(text, model=toy),
    )
    assert system["pages"][0]["shingles"]["precision"] == pytest.approx(expected.precision)
    assert system["pages"][0]["shingles"]["recall"] == pytest.approx(expected.recall)


def test_missing_model_file_exits_1_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.joblib"
    status = _main(["eval", str(FIXTURE), "--model", str(missing)])
    assert status == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"boilerstrip: error: model file not found: {missing}\n"


def test_nothing_scored_shows_no_scores_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _main(["eval", str(JSONL), "--system", "resiliparse"])
    assert status == 1
    out, err = capsys.readouterr()
    row = next(line.split() for line in out.splitlines() if line.startswith("resiliparse "))
    assert row[1:6] == ["-"] * 5
    assert err == "boilerstrip: error: no page could be scored (see the errors above)\n"


def test_compare_rewrites_only_its_section(tmp_path: Path) -> None:
    compare = benchmark_module("compare")
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n<!-- throughput:start -->\nfast\n<!-- throughput:end -->\n\n"
        "<!-- quality:start -->\nold numbers\n<!-- quality:end -->\n\ntail\n",
        encoding="utf-8",
    )
    compare.write_results_md("<!-- quality:start -->\nnew\n<!-- quality:end -->\n", results)
    assert results.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n<!-- throughput:start -->\nfast\n<!-- throughput:end -->\n\n"
        "<!-- quality:start -->\nnew\n<!-- quality:end -->\n\ntail\n"
    )
    fresh = tmp_path / "NEW.md"
    compare.write_results_md("<!-- quality:start -->\nnew\n<!-- quality:end -->\n", fresh)
    assert fresh.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n<!-- quality:start -->\nnew\n<!-- quality:end -->\n"
    )


def test_compare_finds_sets_and_marks_their_use(tmp_path: Path) -> None:
    compare = benchmark_module("compare")
    datasets = Path(__file__).parent / "data" / "datasets"
    (tmp_path / "nothing-here").mkdir()
    (tmp_path / "wcxb-dev").symlink_to(FIXTURE, target_is_directory=True)
    (tmp_path / "group").mkdir()
    (tmp_path / "group" / "dragnet").symlink_to(datasets / "dragnet", target_is_directory=True)
    (tmp_path / "group" / "texts").symlink_to(datasets / "textdir", target_is_directory=True)
    found = compare.find_sets(tmp_path)
    assert [(f.name, f.format, f.use) for f in found] == [
        ("wcxb-dev", "wcxb", "TRAIN"),
        ("group/dragnet", "dragnet", "EVAL-ONLY"),
        ("group/texts", "textdir", "EVAL"),
    ]


@pytest.mark.parametrize(
    ("target", "reason"), [("no/report.json", "no folder {tmp}/no"), (".", "is a folder")]
)
def test_a_json_path_that_cannot_be_written_stops_eval_before_it_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, reason: str
) -> None:
    path = tmp_path / target
    assert _main(["eval", str(FIXTURE), "--system", "all-text", "--json", str(path), "-q"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"boilerstrip: error: {path}: cannot write: {reason.format(tmp=tmp_path)}\n"


def test_an_empty_dataset_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert _main(["eval", str(empty), "--system", "all-text", "-q"]) == 1
    assert capsys.readouterr().err == f"boilerstrip: error: {empty}: the dataset holds no page\n"
