"""Tests of boilerstrip.model: save, load, version checks and the default model."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from conftest import needs_default_model

import boilerstrip.model as model_module
from boilerstrip.core import classify
from boilerstrip.errors import BoilerstripError, ModelError, ModelVersionError
from boilerstrip.features import HASH_BITS
from boilerstrip.model import (
    FORMAT_VERSION,
    LABELS,
    MODEL_FILENAME,
    Z_CLIP,
    Committee,
    Model,
    Network,
    default_model,
    default_model_path,
    softmax,
)
from boilerstrip.types import Label

DATA = Path(__file__).parent / "data"
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
TEXTS = [
    SEED,
    "Home | News\nThe council met on Monday and agreed to repair the bridge next spring.\nShare",
    "首页 | 新闻\n市议会周一开会，经过长时间辩论后同意明年春天修复旧桥。",
]

MAX_MODEL_BYTES = 10_000_000
"""The shipped model's size budget."""


def payload_of(path: Path) -> dict[str, Any]:
    data = joblib.load(path)
    assert isinstance(data, dict)
    return data


def altered_copy(toy_file: Path, path: Path, **values: object) -> Path:
    """The toy model's payload with ``values`` set, written to ``path``."""
    payload = payload_of(toy_file)
    payload.update(values)
    joblib.dump(payload, path)
    return path


def assert_same_model(a: Model, b: Model) -> None:
    for layer_a, layer_b in ((a.blocks, b.blocks), (a.kinds, b.kinds)):
        np.testing.assert_array_equal(layer_a.mean, layer_b.mean)
        np.testing.assert_array_equal(layer_a.scale, layer_b.scale)
        np.testing.assert_array_equal(layer_a.dense_weights, layer_b.dense_weights)
        np.testing.assert_array_equal(layer_a.sparse_weights, layer_b.sparse_weights)
        np.testing.assert_array_equal(layer_a.intercept, layer_b.intercept)
    assert len(a.context.members) == len(b.context.members)
    for net_a, net_b in zip(a.context.members, b.context.members, strict=True):
        arrays_a = (net_a.mean, net_a.scale, *net_a.weights, *net_a.biases)
        arrays_b = (net_b.mean, net_b.scale, *net_b.weights, *net_b.biases)
        assert len(arrays_a) == len(arrays_b)
        for wa, wb in zip(arrays_a, arrays_b, strict=True):
            np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(a.vocabulary.stopword_hashes, b.vocabulary.stopword_hashes)
    assert a.kind_labels == b.kind_labels
    assert a.labels == b.labels == LABELS


@pytest.fixture
def toy_file(toy: Model, tmp_path: Path) -> Path:
    path = tmp_path / "toy.joblib"
    toy.save(path)
    return path


# --------------------------------------------------------------------------- round trip


def test_save_load_round_trip_gives_identical_decisions(toy: Model, toy_file: Path) -> None:
    loaded = Model.load(toy_file)
    assert_same_model(toy, loaded)
    for text in TEXTS:
        assert classify(text, model=loaded) == classify(text, model=toy)


def test_load_accepts_str_paths(toy_file: Path) -> None:
    assert_same_model(Model.load(str(toy_file)), Model.load(toy_file))


def test_save_records_format_hash_bits_and_sklearn(toy_file: Path) -> None:
    import sklearn

    payload = payload_of(toy_file)
    assert payload["format_version"] == FORMAT_VERSION
    assert payload["hash_bits"] == HASH_BITS
    assert payload["sklearn_version"] == sklearn.__version__


def test_info_survives_the_round_trip(toy: Model, tmp_path: Path) -> None:
    from dataclasses import replace

    with_info = replace(toy, info={"seed": 3, "trained_on": ["x"]})
    path = tmp_path / "info.joblib"
    with_info.save(path)
    assert dict(Model.load(path).info) == {"seed": 3, "trained_on": ["x"]}


@needs_default_model
def test_default_model_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "copy.joblib"
    default_model().save(path)
    loaded = Model.load(path)
    assert_same_model(default_model(), loaded)
    for text in TEXTS:
        assert classify(text, model=loaded) == classify(text, model=default_model())


# --------------------------------------------------------------------------- bad files


def test_missing_file_raises_model_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "model.joblib"
    with pytest.raises(ModelError, match=re.escape(str(path))):
        Model.load(path)


def test_directory_is_not_a_model_file(tmp_path: Path) -> None:
    message = f"{tmp_path}: is a folder, not a model file (a .joblib file)"
    with pytest.raises(ModelError, match=f"^{re.escape(message)}$"):
        Model.load(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"this is not a model\n", bytes(range(256)), b"\x9a\x00junk"],
    ids=["text", "bytes", "junk"],
)
def test_file_that_is_no_pickle_raises_model_error_saying_so(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    prefix = f"{path} is not a boilerstrip model file (cannot unpickle it: "
    with pytest.raises(ModelError, match=f"^{re.escape(prefix)}") as info:
        Model.load(path)
    assert not isinstance(info.value, ModelVersionError)


def test_joblib_list_raises_model_error(tmp_path: Path) -> None:
    path = tmp_path / "list.joblib"
    joblib.dump([1, 2, 3], path)
    with pytest.raises(ModelError, match=re.escape(f"{path} is not a boilerstrip model file")):
        Model.load(path)


def test_joblib_dict_without_format_raises_model_error(tmp_path: Path) -> None:
    path = tmp_path / "dict.joblib"
    joblib.dump({"weights": [1.0]}, path)
    with pytest.raises(ModelError, match=re.escape(str(path))):
        Model.load(path)


def test_truncated_file_raises_model_error(toy_file: Path, tmp_path: Path) -> None:
    data = toy_file.read_bytes()
    path = tmp_path / "truncated.joblib"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match=re.escape(str(path))):
        Model.load(path)


@pytest.mark.parametrize("missing", ["blocks", "context", "kinds", "kind_labels"])
def test_payload_missing_a_part_raises_model_error(
    toy_file: Path, tmp_path: Path, missing: str
) -> None:
    """A file with the right format number but a part missing is a bad model file,
    and the error names the file (not a bare KeyError)."""
    payload = payload_of(toy_file)
    del payload[missing]
    path = tmp_path / f"no-{missing}.joblib"
    joblib.dump(payload, path)
    with pytest.raises(ModelError, match=re.escape(str(path))):
        Model.load(path)


def test_errors_share_one_base_class() -> None:
    assert issubclass(ModelVersionError, ModelError)
    assert issubclass(ModelError, BoilerstripError)


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, 0, "1"])
def test_other_format_version_raises_version_error(
    toy_file: Path, tmp_path: Path, version: object
) -> None:
    path = altered_copy(toy_file, tmp_path / "other-format.joblib", format_version=version)
    with pytest.raises(ModelVersionError, match=re.escape(str(path))) as info:
        Model.load(path)
    assert f"model format {version}" in str(info.value)
    assert f"reads format {FORMAT_VERSION}" in str(info.value)


def test_other_hash_bits_raises_version_error(toy_file: Path, tmp_path: Path) -> None:
    path = altered_copy(toy_file, tmp_path / "other-bits.joblib", hash_bits=HASH_BITS - 2)
    with pytest.raises(ModelVersionError, match=re.escape(str(path))):
        Model.load(path)


def _drop_first_row(layer: dict[str, Any]) -> None:
    """A block stage with one class fewer (as a model of the three-class format had)."""
    for key in ("dense_weights", "sparse_weights", "intercept"):
        layer[key] = layer[key][1:]


def _drop_first_dense_column(layer: dict[str, Any]) -> None:
    for key in ("mean", "scale"):
        layer[key] = layer[key][1:]
    layer["dense_weights"] = layer["dense_weights"][:, 1:]


def _drop_first_context_input(members: list[dict[str, Any]]) -> None:
    for net in members:
        for key in ("mean", "scale"):
            net[key] = net[key][1:]
        net["weights"][0] = net["weights"][0][1:]


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        ("blocks", _drop_first_row, "block stage has 3 classes, this boilerstrip expects 4"),
        ("blocks", _drop_first_dense_column, "dense features"),
        ("context", _drop_first_context_input, "context stage reads"),
    ],
)
def test_model_of_another_shape_raises_version_error(
    toy_file: Path,
    tmp_path: Path,
    part: str,
    change: Any,
    message: str,
) -> None:
    payload = payload_of(toy_file)
    change(payload[part])
    path = tmp_path / "other-shape.joblib"
    joblib.dump(payload, path)
    with pytest.raises(ModelVersionError, match=re.escape(str(path))) as info:
        Model.load(path)
    assert message in str(info.value)
    assert "retrain with `python -m boilerstrip.train`" in str(info.value)


@pytest.mark.parametrize("context", [[], None, {"mean": []}])
def test_model_without_context_networks_raises_model_error(
    toy_file: Path, tmp_path: Path, context: object
) -> None:
    path = altered_copy(toy_file, tmp_path / "no-context.joblib", context=context)
    with pytest.raises(
        ModelError, match=re.escape(f"{path}: the model's context stage holds no network")
    ):
        Model.load(path)


def test_sklearn_major_mismatch_raises_version_error(
    toy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sklearn

    trained_with = sklearn.__version__
    installed = f"{int(trained_with.split('.')[0]) + 1}.0.0"
    monkeypatch.setattr(model_module, "_installed_sklearn", lambda: installed)
    with pytest.raises(ModelVersionError, match=re.escape(str(toy_file))) as info:
        Model.load(toy_file)
    message = str(info.value)
    assert f"scikit-learn {trained_with}" in message
    assert f"scikit-learn {installed} is installed" in message


def test_model_from_an_old_sklearn_major_is_refused(toy: Model, tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "old.joblib"
    replace(toy, info={"sklearn_version": "0.24.2"}).save(path)
    with pytest.raises(ModelVersionError, match=re.escape("scikit-learn 0.24.2")):
        Model.load(path)


def test_sklearn_minor_difference_is_accepted(
    toy: Model, toy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sklearn

    major = sklearn.__version__.split(".")[0]
    monkeypatch.setattr(model_module, "_installed_sklearn", lambda: f"{major}.999.0")
    assert_same_model(Model.load(toy_file), toy)


def test_a_used_model_pickles_without_its_lookup_tables(toy: Model) -> None:
    # clean_many(model=...) pickles the model for its workers: the tables built on
    # first use (packed weights, the fused committee, the stopword table) stay home.
    unused = len(pickle.dumps(toy))
    decisions = classify(TEXTS[1], model=toy)
    assert len(pickle.dumps(toy)) == unused
    assert classify(TEXTS[1], model=pickle.loads(pickle.dumps(toy))) == decisions


# --------------------------------------------------------------------------- committee


def random_network(rng: np.random.Generator, sizes: tuple[int, ...]) -> Network:
    """A network with random weights and its own standardisation, as training leaves one."""
    return Network(
        mean=rng.normal(size=sizes[0]),
        scale=rng.uniform(0.5, 2.0, size=sizes[0]),
        weights=tuple(rng.normal(size=(a, b)) for a, b in pairwise(sizes)),
        biases=tuple(rng.normal(size=b) for b in sizes[1:]),
    )


@pytest.mark.parametrize("sizes", [(6, 5, 3), (6, 5, 4, 3), (6, 3)])
def test_committee_gives_the_mean_of_its_networks_probabilities(sizes: tuple[int, ...]) -> None:
    # The committee computes its networks side by side as one; each network
    # alone standardises, clips at Z_CLIP and applies its layers.
    rng = np.random.default_rng(7)
    nets = tuple(random_network(rng, sizes) for _ in range(3))
    inputs = rng.normal(size=(50, sizes[0]))
    inputs[::7] *= 40.0  # far beyond every network's clipping bounds
    inputs[3, 2] = nets[1].mean[2] + (Z_CLIP + 0.5) * nets[1].scale[2]  # beyond one network's
    inputs[5, 0], inputs[9, 1] = np.inf, -np.inf
    expected = np.mean([softmax(net.scores(inputs)) for net in nets], axis=0)
    np.testing.assert_allclose(Committee(nets).probabilities(inputs), expected, atol=1e-6)


def test_committee_of_networks_of_different_shapes_is_refused() -> None:
    rng = np.random.default_rng(0)
    nets = (random_network(rng, (4, 5, 3)), random_network(rng, (4, 6, 3)))
    with pytest.raises(ValueError, match="same layer shapes"):
        Committee(nets)


def test_model_whose_context_networks_differ_in_shape_raises_model_error(
    toy_file: Path, tmp_path: Path
) -> None:
    members = payload_of(toy_file)["context"]
    wider = dict(members[0])
    first, *rest = wider["weights"]
    wider["weights"] = [np.hstack([first, first[:, :1]]), np.vstack([rest[0], rest[0][:1]])]
    wider["biases"] = [np.append(wider["biases"][0], 0.0), wider["biases"][1]]
    path = altered_copy(toy_file, tmp_path / "mixed.joblib", context=[members[0], wider])
    with pytest.raises(ModelError, match=re.escape(f"{path}: the model's context networks differ")):
        Model.load(path)


# --------------------------------------------------------------------------- default model


@pytest.fixture
def fresh_default_cache() -> Iterator[None]:
    default_model.cache_clear()
    yield
    default_model.cache_clear()


def test_default_model_is_loaded_once(
    toy: Model, toy_file: Path, monkeypatch: pytest.MonkeyPatch, fresh_default_cache: None
) -> None:
    monkeypatch.setattr(model_module, "default_model_path", lambda: toy_file)
    first = default_model()
    assert first is default_model()
    assert_same_model(first, toy)
    toy_file.unlink()  # a second call must not read the file again
    assert default_model() is first


def test_missing_default_model_raises_model_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_default_cache: None
) -> None:
    missing = tmp_path / MODEL_FILENAME
    monkeypatch.setattr(model_module, "default_model_path", lambda: missing)
    with pytest.raises(ModelError, match=re.escape(str(missing))):
        classify("Some text.")


def test_default_model_path_names_the_shipped_file() -> None:
    assert default_model_path().name == MODEL_FILENAME


@needs_default_model
def test_shipped_model_is_cached_and_well_formed() -> None:
    model = default_model()
    assert model is default_model()
    assert model.labels == (Label.BODY, Label.TITLE, Label.NOISE)
    assert model.kind_labels
    assert all(kind.is_noise for kind in model.kind_labels)
    assert default_model_path().stat().st_size < MAX_MODEL_BYTES


FUNCTION_WORD_SENTENCES = [
    # (language, sentence, share of its words that are function words)
    ("en", "The council agreed on Monday to repair the old bridge.", 4 / 10),
    ("de", "Die Stadt hat mit dem Bau der neuen Brücke begonnen.", 5 / 10),
    ("fr", "Le conseil a voté pour la réparation du pont.", 5 / 9),
    ("pt", "O governo do estado enviou equipes de resgate para a região.", 5 / 11),
    ("ru", "В понедельник в Москве открылась новая станция метро.", 2 / 8),
    ("zh", "北京的地铁是在一九六九年开通的。", 4 / 15),
]


@needs_default_model
@pytest.mark.parametrize(
    ("language", "sentence", "share"),
    FUNCTION_WORD_SENTENCES,
    ids=[language for language, _, _ in FUNCTION_WORD_SENTENCES],
)
def test_shipped_stopwords_cover_languages_beyond_english(
    language: str, sentence: str, share: float
) -> None:
    """The shipped vocabulary holds the function words of models/vocabulary, not
    only the English ones learned from the TRAIN sets: prose in any of those
    languages has stopwords, as English prose does."""
    from boilerstrip.features import DENSE_NAMES, extract
    from boilerstrip.segment import segment

    features = extract(segment(sentence), vocabulary=default_model().vocabulary)
    assert features.dense[0, DENSE_NAMES.index("frac_stopwords")] == pytest.approx(share)
