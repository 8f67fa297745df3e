"""The Spark UDF, run for real on a local[2] session and compared with ``clean()``.

Spark needs pyspark and a Java runtime. Without them these tests skip, except
in CI (``CI`` set), where they fail: CI must run them.
"""

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from boilerstrip.core import clean
from boilerstrip.model import default_model

DATA = Path(__file__).parent / "data"
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")

PARTITIONS = 3
"""More partitions than local[2] has cores, so a Python worker cleans several batches."""


SHIPPED_UDF_MAX_BYTES = 20_000
"""The pickled UDF is a few hundred bytes; the model is megabytes."""

LOOPBACK = "127.0.0.1"
"""The driver listens on loopback only: the test needs no network."""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Spark tests, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _unavailable("pyspark is not installed (pip install boilerstrip[spark])")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        _unavailable("no Java runtime (apt-get install openjdk-17-jre-headless)")
    # The Python workers must run this interpreter, which has boilerstrip and pandas.
    saved = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("boilerstrip-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", LOOPBACK)
        .config("spark.driver.bindAddress", LOOPBACK)
        .config("spark.sql.shuffle.partitions", str(PARTITIONS))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    try:
        yield session
    finally:
        session.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _rows() -> list[tuple[int, str | None]]:
    lines = SEED.splitlines()
    texts: list[str | None] = [
        SEED,
        "\n".join(lines[:6]),
        "\n".join(lines[6:]),
        "\n\n".join(lines),
        "",
        None,
        "Home | News | Sport | Weather\nShare on Facebook\nShare on Twitter",
        "Le conseil municipal a décidé lundi, après un long débat, de rénover le vieux pont "
        "au printemps prochain. La région prendra en charge la plus grande partie du coût.",
    ]
    return list(enumerate(texts))


def _frame(spark: Any, rows: list[tuple[int, str | None]]) -> Any:
    # Partitioned as created: no shuffle stage to wait for.
    return spark.createDataFrame(
        spark.sparkContext.parallelize(rows, PARTITIONS), "id long, text string"
    )


def test_with_clean_column_matches_clean_row_by_row(spark: Any) -> None:
    from boilerstrip.integrations.spark import with_clean_column

    rows = _rows()
    out = with_clean_column(_frame(spark, rows)).collect()

    assert len(out) == len(rows)
    assert out[0].asDict().keys() == {"id", "text", "clean_text"}
    by_id = {row["id"]: row for row in out}
    for row_id, text in rows:
        assert by_id[row_id]["text"] == text
        expected = None if text is None else clean(text)
        assert by_id[row_id]["clean_text"] == expected, row_id


def test_options_keep_title_replace_in_place_and_model_path(spark: Any, tmp_path: Path) -> None:
    from boilerstrip.integrations.spark import clean_udf, with_clean_column

    model_file = tmp_path / "model.joblib"
    default_model().save(model_file)
    rows = _rows()
    df = _frame(spark, rows)
    replaced = with_clean_column(
        df, output_col="text", keep_title=True, model_path=str(model_file)
    ).collect()
    selected = df.select("id", clean_udf()("text").alias("body")).collect()

    assert {row["id"]: row["text"] for row in replaced} == {
        row_id: None if text is None else clean(text, keep_title=True) for row_id, text in rows
    }
    assert {row["id"]: row["body"] for row in selected} == {
        row_id: None if text is None else clean(text) for row_id, text in rows
    }


def test_wrong_column_is_named(spark: Any) -> None:
    from boilerstrip.integrations.spark import with_clean_column

    df = spark.createDataFrame([(1, 2)], "id long, html long")
    with pytest.raises(ValueError, match=r"no column 'text'.*\['id', 'html'\]"):
        with_clean_column(df)
    with pytest.raises(TypeError, match=r"column 'html' must hold strings.*bigint"):
        with_clean_column(df, input_col="html")


def test_a_missing_model_file_fails_the_job_naming_the_file(spark: Any, tmp_path: Path) -> None:
    from pyspark.errors import PythonException

    from boilerstrip.integrations.spark import with_clean_column

    missing = tmp_path / "no-such-model.joblib"
    df = with_clean_column(_frame(spark, _rows()), model_path=str(missing))
    with pytest.raises(PythonException, match=r"model file not found: .*no-such-model\.joblib"):
        df.collect()


def test_model_is_never_shipped_and_each_worker_loads_it_once(spark: Any) -> None:
    import pandas as pd
    from pyspark import cloudpickle
    from pyspark.sql.pandas.functions import pandas_udf

    from boilerstrip.integrations.spark import clean_udf, with_clean_column

    # What Spark sends to the executors is the function and its options, not the model.
    assert len(cloudpickle.dumps(clean_udf().func)) < SHIPPED_UDF_MAX_BYTES

    def worker_loads(texts: pd.Series) -> pd.Series:
        from boilerstrip.integrations import worker_model

        info = worker_model.cache_info()
        return pd.Series([f"{os.getpid()} {info.misses}"] * len(texts))

    probe = pandas_udf(worker_loads, "string")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "2")
    try:
        rows = _rows() * 3
        cleaned = with_clean_column(_frame(spark, list(enumerate(t for _, t in rows))))
        reports = cleaned.select(probe("clean_text").alias("r")).collect()
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")

    # Every batch of every partition was cleaned by a process that had loaded one model.
    assert len(reports) == len(rows)
    assert {r["r"].split()[1] for r in reports} == {"1"}
