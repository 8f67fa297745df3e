"""The Hugging Face ``Dataset.map`` function, run for real with two processes.

Also checks that importing boilerstrip (and its integrations package) pulls in
no engine at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from boilerstrip.core import clean
from boilerstrip.integrations.hf import BatchCleaner
from boilerstrip.model import default_model

DATA = Path(__file__).parent / "data"
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")

ENGINES = ("datatrove", "datasets", "pyspark", "pandas", "pyarrow", "py4j")


def _require(module: str) -> ModuleType:
    """Import an engine; in CI its absence is a failure, elsewhere a skip."""
    try:
        return __import__(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {module} (extra of boilerstrip): {exc}")
        pytest.skip(f"{module} is not installed")


def _texts() -> list[str | None]:
    lines = SEED.splitlines()
    return [
        SEED,
        "\n".join(lines[:6]),
        None,
        "\n".join(lines[6:]),
        "",
        "\n\n".join(lines),
        "Home | News | Sport | Weather\nShare on Facebook\nShare on Twitter",
        "El ayuntamiento decidió el lunes, tras un largo debate, reparar el viejo puente "
        "la próxima primavera. La región pagará la mayor parte del coste.",
    ]


def test_importing_boilerstrip_imports_no_engine() -> None:
    code = (
        "import sys, boilerstrip, boilerstrip.integrations\n"
        f"print(sorted(m for m in {ENGINES!r} if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == "[]"


def test_map_with_two_processes_matches_clean_row_by_row() -> None:
    datasets = _require("datasets")
    texts = _texts()
    ds = datasets.Dataset.from_dict({"id": list(range(len(texts))), "text": texts})

    out = ds.map(BatchCleaner(), batched=True, batch_size=3, num_proc=2)

    assert out.column_names == ["id", "text", "clean_text"]
    assert out["id"] == list(range(len(texts)))
    assert out["text"] == texts
    assert out["clean_text"] == [None if t is None else clean(t) for t in texts]


def test_map_in_place_with_title_and_a_model_file(tmp_path: Path) -> None:
    datasets = _require("datasets")
    model_file = tmp_path / "model.joblib"
    default_model().save(model_file)
    texts = _texts()
    ds = datasets.Dataset.from_dict({"body": texts})

    cleaner = BatchCleaner(
        input_column="body", output_column="body", keep_title=True, model_path=str(model_file)
    )
    out = ds.map(cleaner, batched=True, batch_size=4, num_proc=2)

    assert out.column_names == ["body"]
    assert out["body"] == [None if t is None else clean(t, keep_title=True) for t in texts]


def test_batch_errors_name_the_column_and_row() -> None:
    with pytest.raises(KeyError, match=r"no column 'text'.*\['body', 'id'\]"):
        BatchCleaner()({"id": [1], "body": ["x"]})
    with pytest.raises(TypeError, match=r"column 'text', row 1 of the batch: .*got bytes"):
        BatchCleaner()({"text": ["fine", b"raw bytes"]})
    # map() without batched=True hands over one row: its text is no list of texts.
    with pytest.raises(TypeError, match=r"column 'text' of the batch is one str, .*batched=True"):
        BatchCleaner()({"text": "abc def"})
