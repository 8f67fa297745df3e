"""Clean a text column of a Spark DataFrame with a vectorised (Arrow) UDF.

Needs ``pip install boilerstrip[spark]`` (pyspark, pandas, pyarrow) and a Java
runtime, and boilerstrip installed where the Python workers run.

The UDF receives a whole Arrow batch of texts as a pandas Series. The model
is not sent with the work: each Python worker process loads it the first
time it cleans a batch (:func:`boilerstrip.integrations.worker_model`) and
keeps it for every later batch and task, as Spark reuses its Python workers.
Each batch is cleaned with :func:`boilerstrip.clean_batch`.
Null texts stay null.

Example::

    from pyspark.sql import SparkSession
    from boilerstrip.integrations.spark import with_clean_column

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    pages = spark.read.json("pages.jsonl")            # a column "text"
    with_clean_column(pages).write.parquet("clean/")  # adds a column "clean_text"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql.pandas.functions import pandas_udf
from pyspark.sql.types import StringType

from boilerstrip.core import clean_batch_or_none
from boilerstrip.integrations import worker_model

__all__ = [
    "DEFAULT_INPUT_COL",
    "DEFAULT_OUTPUT_COL",
    "clean_series",
    "clean_udf",
    "with_clean_column",
]

DEFAULT_INPUT_COL = "text"
"""The column name datatrove, Hugging Face datasets and most crawl exports use."""

DEFAULT_OUTPUT_COL = "clean_text"
"""A new column by default, so the raw text stays available beside the body."""


def clean_series(
    texts: pd.Series, *, keep_title: bool = False, model_path: str | None = None
) -> pd.Series:
    """Clean every text of ``texts``; nulls stay null. Runs in the Python worker.

    >>> clean_series(pd.Series(["", None])).tolist()
    ['', None]
    """
    model = worker_model(model_path)
    present = [None if _is_null(text) else text for text in texts]
    cleaned = clean_batch_or_none(present, keep_title=keep_title, model=model)
    return pd.Series(cleaned, index=texts.index, dtype=object)


# pyspark's overloads for pandas_udf do not cover a function typed with pandas.Series
# when pandas has no type stubs; the type is checked at run time by pyspark instead.
_make_pandas_udf: Any = pandas_udf


def _is_null(value: object) -> bool:
    # Arrow hands nulls to pandas as None, or as NaN / pd.NA with pandas' string dtypes.
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def clean_udf(
    *, keep_title: bool = False, model_path: str | None = None
) -> Callable[[Column | str], Column]:
    """A pandas UDF (string -> string) that cleans a text column.

    ``model_path`` names a model file readable by every executor; by default
    the model shipped with boilerstrip is used. Use it in any column
    expression::

        df.select("url", clean_udf(keep_title=True)("text").alias("body"))
    """

    def _clean_batch(texts: pd.Series) -> pd.Series:
        return clean_series(texts, keep_title=keep_title, model_path=model_path)

    udf: Callable[[Column | str], Column] = _make_pandas_udf(_clean_batch, returnType=StringType())
    return udf


def with_clean_column(
    df: DataFrame,
    *,
    input_col: str = DEFAULT_INPUT_COL,
    output_col: str = DEFAULT_OUTPUT_COL,
    keep_title: bool = False,
    model_path: str | None = None,
) -> DataFrame:
    """``df`` with a column ``output_col`` holding the cleaned ``input_col``.

    ``output_col`` may equal ``input_col`` to replace the text in place.

    Raises :class:`ValueError` if ``df`` has no column ``input_col`` and
    :class:`TypeError` if that column is not a string column.
    """
    if input_col not in df.columns:
        raise ValueError(
            f"DataFrame has no column {input_col!r} to clean; its columns are {df.columns}"
        )
    data_type = df.schema[input_col].dataType
    if not isinstance(data_type, StringType):
        raise TypeError(
            f"column {input_col!r} must hold strings to be cleaned, "
            f"but its type is {data_type.simpleString()}"
        )
    udf = clean_udf(keep_title=keep_title, model_path=model_path)
    return df.withColumn(output_col, udf(input_col))
