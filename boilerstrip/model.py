"""The trained model: load, save and predict.

A model is three small classifiers fitted with scikit-learn and stored as
plain numpy arrays, so that prediction is a few matrix products and loading a
model does not import scikit-learn:

1. **blocks** (context-free): a logistic regression (one-vs-rest, fitted by
   stochastic gradient descent) over a block's dense and hashed features gives
   P(body), P(title), P(noise) and P(prose noise) (see
   :data:`~boilerstrip.smooth.FIRST_STAGE_CLASSES`);
2. **context** (see :mod:`boilerstrip.smooth`): a committee of small neural
   networks revises those probabilities from the neighbours' probabilities and
   the page;
3. **kinds**: a logistic regression of the same form names the kind of each
   noise block.

Model files are written with joblib. Loading one unpickles it, which can run
arbitrary code: load only model files you trust (the one shipped with
boilerstrip, or one you trained yourself).

Example:
    >>> model = default_model()
    >>> model.labels
    (<Label.BODY: 'body'>, <Label.TITLE: 'title'>, <Label.NOISE: 'noise'>)
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from boilerstrip.arrays import clip
from boilerstrip.errors import ModelError, ModelVersionError
from boilerstrip.features import DENSE_NAMES, HASH_BITS, DropsCaches, Features, Vocabulary
from boilerstrip.smooth import FIRST_STAGE_CLASSES, context_width
from boilerstrip.types import Kind, Label

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]

FORMAT_VERSION = 6
"""Bumped whenever the stored arrays or the features they expect change meaning
(5: word lists looked up in 2**20 slots, :data:`~boilerstrip.features.LEXICON_BITS`;
6: the context stage is a :class:`Committee` that also reads neighbours' cues)."""

MODEL_FILENAME = "boilerstrip.joblib"
"""Name of the shipped model file in ``models/`` (package ``boilerstrip.models``)."""

KIND_HASH_BITS = 15
"""Kinds are learned from a few thousand blocks: 2**15 buckets suffice and keep
the kind weights (one row per kind) small."""

PACK_FLOATS = 4
"""Hashed weights are stored in records of a multiple of four float32 (16 bytes)."""

LABELS: tuple[Label, ...] = (Label.BODY, Label.TITLE, Label.NOISE)
"""Order of the label columns in every probability matrix."""

Z_CLIP = 4.0
"""Standardised inputs are clipped to this many standard deviations. A rare
indicator (the first block of a page) standardises to 15 or more, and a page
unlike the training pages (a CJK paragraph's ratio of characters to words)
lands far outside their range; neither may move a score without bound."""


def standardise(values: FloatArray, mean: FloatArray, scale: FloatArray) -> FloatArray:
    """``(values - mean) / scale``, clipped to ``±Z_CLIP``.

    >>> standardise(np.array([[0.0, 50.0]]), np.zeros(2), np.ones(2)).tolist()
    [[0.0, 4.0]]
    """
    # One new array, worked on in place: each temporary of a batch's size costs
    # as much as the arithmetic (fresh memory is faulted in page by page).
    z: FloatArray = np.subtract(values, mean)
    z /= scale
    return clip(z, -Z_CLIP, Z_CLIP, out=z)


@dataclass(frozen=True)
class Linear(DropsCaches):
    """A linear layer over dense features and (optionally) hashed features.

    ``scores = standardise(dense) @ dense_weights.T + hashed + intercept`` (see
    :func:`standardise`), where
    ``hashed[b, c]`` sums ``sparse_weights[c, col mod width] * val`` over the
    block's hashed features.
    """

    mean: FloatArray
    scale: FloatArray
    dense_weights: FloatArray
    sparse_weights: npt.NDArray[np.float32] | None
    intercept: FloatArray

    _CACHES = ("_packed_sparse",)

    def probabilities(self, dense: FloatArray, features: Features | None = None) -> FloatArray:
        """Class probabilities: one-vs-rest sigmoids, normalised to sum to one per row."""
        return one_vs_rest(self.scores(dense, features))

    def scores(self, dense: FloatArray, features: Features | None = None) -> FloatArray:
        """Raw class scores, shape ``(n_blocks, n_classes)``."""
        out = standardise(dense, self.mean, self.scale) @ self.dense_weights.T + self.intercept
        n = dense.shape[0]
        if self.sparse_weights is not None and features is not None and features.rows.size:
            packed, width = self._packed_sparse
            cols = features.cols if width == 1 << HASH_BITS else features.cols & (width - 1)
            gathered = packed[cols].view(np.float32).reshape(cols.shape[0], -1)
            n_classes = out.shape[1]
            rows, vals = features.rows, features.vals
            # Entries come in runs of one block and one value (a feature
            # group's entries of a block are adjacent and weigh alike): sum
            # each run's weights, scale by its value, then add runs per block.
            change = rows[1:] != rows[:-1]
            change |= vals[1:] != vals[:-1]
            starts = np.flatnonzero(change)
            starts += 1
            starts = np.concatenate(([0], starts))
            sums = np.add.reduceat(gathered[:, :n_classes].astype(np.float64), starts, axis=0)
            sums *= vals[starts, None]
            run_rows = rows[starts]
            for c in range(n_classes):
                out[:, c] += np.bincount(run_rows, weights=sums[:, c], minlength=n)
        return out

    @cached_property
    def _packed_sparse(self) -> tuple[npt.NDArray[np.void], int]:
        """The hashed weights with a bucket's classes side by side in one record.

        A block's hashed features touch scattered buckets; reading all classes
        of a bucket with one gather of a record (padded to a multiple of 16
        bytes) costs a fraction of one gather per class.
        """
        assert self.sparse_weights is not None
        n_classes, width = self.sparse_weights.shape
        padded = -(-n_classes // PACK_FLOATS) * PACK_FLOATS
        table = np.zeros((width, padded), dtype=np.float32)
        table[:, :n_classes] = self.sparse_weights.T
        record = np.dtype((np.void, padded * np.dtype(np.float32).itemsize))
        return table.view(record).ravel(), width


@dataclass(frozen=True)
class Network:
    """A multi-layer perceptron with ReLU hidden layers, as fitted by scikit-learn."""

    mean: FloatArray
    scale: FloatArray
    weights: tuple[FloatArray, ...]
    biases: tuple[FloatArray, ...]

    @property
    def layer_shapes(self) -> tuple[tuple[int, ...], ...]:
        """The shape of each layer's weights, first layer first."""
        return tuple(w.shape for w in self.weights)

    def scores(self, inputs: FloatArray) -> FloatArray:
        """Raw class scores (logits) for each input row."""
        h = standardise(inputs, self.mean, self.scale)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w
            h += b
            if i < last:
                np.maximum(h, 0.0, out=h)
        return h


@dataclass(frozen=True)
class Committee(DropsCaches):
    """Context networks fitted alike, each on its own seeded sample of the
    training rows: the context stage's probabilities are the mean of theirs.

    One network's scores move with its random start and sample; the mean of a
    few is steadier, and better than each of them: in the shipped model's
    grouped cross-validation the three networks alone give page 4-shingle F1
    0.835-0.839 on inscriptis text, their mean 0.842 (``models/MODEL_CARD.md``).

    The members are evaluated together, as a :class:`FusedCommittee`.

    >>> net = Network(np.zeros(1), np.ones(1), (np.array([[1.0, -1.0]]),), (np.zeros(2),))
    >>> Committee((net,)).probabilities(np.array([[0.0], [1.0]])).round(3).tolist()
    [[0.5, 0.5], [0.881, 0.119]]
    """

    members: tuple[Network, ...]

    _CACHES = ("_fused",)

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("a Committee needs at least one network")
        shapes = {net.layer_shapes for net in self.members}
        if len(shapes) > 1:
            raise ValueError(
                f"a Committee's networks must have the same layer shapes, got {sorted(shapes)}"
            )

    def probabilities(self, inputs: FloatArray) -> FloatArray:
        """The mean of the members' softmax probabilities for each input row."""
        return self._fused.probabilities(inputs)

    @cached_property
    def _fused(self) -> FusedCommittee:
        return FusedCommittee.of(self.members)


@dataclass(frozen=True)
class FusedCommittee:
    """A :class:`Committee` computed as one network as wide as its members side
    by side: one standardisation and one product per layer instead of one per
    member (a page has a few hundred rows, so the number of numpy calls costs
    more than their arithmetic).

    The inputs are standardised once, with the members' average mean and
    scale; member *k*'s own standardisation, ``z_k = a_k * z + c_k``, is folded
    into its first layer. Member *k* clips its ``z_k`` at ±:data:`Z_CLIP`; the
    few inputs beyond the narrowest of the members' bounds (a rare indicator,
    an outlier) get that clipping added back exactly, member by member. The
    layers' products run in float32: the probabilities differ from the
    members' own by less than 1e-6 (``tests/test_model.py`` checks it).

    >>> net = Network(np.ones(1), np.full(1, 2.0), (np.array([[1.0, -1.0]]),), (np.zeros(2),))
    >>> FusedCommittee.of((net,)).probabilities(np.array([[1.0], [3.0], [99.0]])).round(3).tolist()
    [[0.5, 0.5], [0.881, 0.119], [1.0, 0.0]]
    """

    n_members: int
    mean: FloatArray
    scale: FloatArray
    gain: FloatArray
    """``a_k``, shape ``(members, inputs)``."""
    offset: FloatArray
    """``c_k``, shape ``(members, inputs)``."""
    low: FloatArray
    high: FloatArray
    """Shared standardised values in ``[low, high]`` are clipped by no member."""
    floor: FloatArray
    ceiling: FloatArray
    """Shared standardised values beyond ``[floor, ceiling]`` are clipped by every
    member: they are clipped to it first, which changes no member's input and
    keeps an infinite value from reaching the products."""
    first_layers: FloatArray
    """The members' own first layers side by side, shape ``(inputs, members *
    hidden)``: a member's hidden sums change by its row of an input times what
    clipping changes in that input."""
    weights: tuple[Float32Array, ...]
    biases: tuple[Float32Array, ...]

    @classmethod
    def of(cls, members: Sequence[Network]) -> FusedCommittee:
        """The fused form of ``members`` (networks with the same layer sizes)."""
        mean = np.mean([net.mean for net in members], axis=0)
        scale = np.mean([net.scale for net in members], axis=0)
        gain = np.stack([scale / net.scale for net in members])
        offset = np.stack([(mean - net.mean) / net.scale for net in members])
        # Member k clips where gain * z + offset leaves [-Z_CLIP, Z_CLIP].
        lows, highs = (-Z_CLIP - offset) / gain, (Z_CLIP - offset) / gain
        weights = [
            np.concatenate(
                [net.weights[0] * g[:, None] for net, g in zip(members, gain, strict=True)], axis=1
            )
        ]
        biases = [
            np.concatenate(
                [net.biases[0] + c @ net.weights[0] for net, c in zip(members, offset, strict=True)]
            )
        ]
        for layer in range(1, len(members[0].weights)):
            weights.append(_block_diagonal([net.weights[layer] for net in members]))
            biases.append(np.concatenate([net.biases[layer] for net in members]))
        return cls(
            n_members=len(members),
            mean=mean,
            scale=scale,
            gain=gain,
            offset=offset,
            low=lows.max(axis=0),
            high=highs.min(axis=0),
            floor=lows.min(axis=0),
            ceiling=highs.max(axis=0),
            first_layers=np.concatenate([net.weights[0] for net in members], axis=1),
            weights=tuple(w.astype(np.float32) for w in weights),
            biases=tuple(b.astype(np.float32) for b in biases),
        )

    def probabilities(self, inputs: FloatArray) -> FloatArray:
        """The mean of the members' softmax probabilities for each input row."""
        z: FloatArray = np.subtract(inputs, self.mean)
        z /= self.scale
        np.maximum(z, self.floor, out=z)
        np.minimum(z, self.ceiling, out=z)
        h = z.astype(np.float32) @ self.weights[0]
        h += self.biases[0]
        outside = (z < self.low) | (z > self.high)
        if outside.any():
            self._add_clipping(h, z, outside)
        for w, b in zip(self.weights[1:], self.biases[1:], strict=True):
            np.maximum(h, 0.0, out=h)
            h = h @ w
            h += b
        return _mean_softmax(h.reshape(h.shape[0], self.n_members, -1).astype(np.float64))

    def _add_clipping(self, h: Float32Array, z: FloatArray, outside: npt.NDArray[np.bool_]) -> None:
        """Add to each member's first-layer sums what its clipping of the
        inputs at ``outside`` changes."""
        n_inputs = z.shape[1]
        flat = np.flatnonzero(outside)
        rows = flat // n_inputs
        cols = flat - rows * n_inputs
        own = z.ravel()[flat] * self.gain[:, cols] + self.offset[:, cols]  # (members, entries)
        delta = clip(own, -Z_CLIP, Z_CLIP) - own
        n_entries = cols.shape[0]
        # What each entry's clipping changes in each member's hidden sums.
        change = self.first_layers[cols].reshape(n_entries, self.n_members, -1)
        change *= delta.T[:, :, None]
        # The entries come row by row: sum each row's, then add them to that row.
        new_row = np.ones(n_entries, dtype=bool)
        np.not_equal(rows[1:], rows[:-1], out=new_row[1:])
        starts = np.flatnonzero(new_row)
        h[rows[starts]] += np.add.reduceat(change.reshape(n_entries, -1), starts, axis=0)


def _mean_softmax(logits: FloatArray) -> FloatArray:
    """The mean over axis 1 of the softmax over axis 2 of ``logits`` (changed in place).

    The axes are a few members and a few classes long: a ufunc over each
    column is several times faster than numpy's reductions along short axes.

    >>> _mean_softmax(np.array([[[0.0, 0.0], [0.0, np.log(3.0)]]])).tolist()
    [[0.375, 0.625]]
    """
    n_members, n_classes = logits.shape[1], logits.shape[2]
    top = logits[:, :, 0].copy()
    for c in range(1, n_classes):
        np.maximum(top, logits[:, :, c], out=top)
    logits -= top[:, :, None]
    np.exp(logits, out=logits)
    total = logits[:, :, 0].copy()
    for c in range(1, n_classes):
        total += logits[:, :, c]
    logits /= total[:, :, None]
    mean: FloatArray = logits[:, 0].copy()
    for k in range(1, n_members):
        mean += logits[:, k]
    mean /= n_members
    return mean


def _block_diagonal(blocks: Sequence[FloatArray]) -> FloatArray:
    """The matrices of ``blocks`` along the diagonal of one, zero elsewhere."""
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    r = c = 0
    for b in blocks:
        out[r : r + b.shape[0], c : c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def one_vs_rest(scores: FloatArray) -> FloatArray:
    """Probabilities from one-vs-rest logistic scores, as scikit-learn normalises them."""
    p = 1.0 / (1.0 + np.exp(-clip(scores, -30.0, 30.0)))
    total = p.sum(axis=1, keepdims=True)
    total[total == 0.0] = 1.0
    out: FloatArray = p / total
    return out


def softmax(scores: FloatArray) -> FloatArray:
    """Row-wise softmax."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class Model:
    """A trained boilerstrip model.

    Build one with :meth:`load` or :func:`default_model`; train one with
    ``python -m boilerstrip.train``. ``info`` holds what the model card needs
    (training data, scores, library versions).
    """

    vocabulary: Vocabulary
    blocks: Linear
    context: Committee
    kinds: Linear
    kind_labels: tuple[Kind, ...]
    info: Mapping[str, Any] = field(default_factory=dict)

    labels: tuple[Label, ...] = LABELS

    def block_probabilities(self, features: Features) -> FloatArray:
        """Context-free probabilities for each block, columns in
        :data:`~boilerstrip.smooth.FIRST_STAGE_CLASSES` order (the labels, with
        noise split into short and prose noise)."""
        return self.blocks.probabilities(features.dense, features)

    def kind_scores(self, features: Features) -> FloatArray:
        """A score for each block and each of :attr:`kind_labels` (meaningful for
        noise blocks): the highest names the block's kind. The kind classifier
        is a linear SVM, so the scores are margins, not probabilities."""
        return self.kinds.scores(features.dense, features)

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` (joblib, compressed)."""
        import joblib

        payload = {
            "format_version": FORMAT_VERSION,
            "hash_bits": HASH_BITS,
            "sklearn_version": self.info.get("sklearn_version", _installed_sklearn()),
            "stopword_hashes": self.vocabulary.stopword_hashes,
            "blocks": _linear_to_dict(self.blocks),
            "context": [
                {
                    "mean": net.mean,
                    "scale": net.scale,
                    "weights": list(net.weights),
                    "biases": list(net.biases),
                }
                for net in self.context.members
            ],
            "kinds": _linear_to_dict(self.kinds),
            "kind_labels": [k.value for k in self.kind_labels],
            "info": dict(self.info),
        }
        joblib.dump(payload, Path(path), compress=("zlib", 6))

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """Read a model written by :meth:`save`.

        Loading unpickles the file: only load files you trust.

        Raises:
            ModelError: the file is missing or is not a boilerstrip model.
            ModelVersionError: the file's format, or the scikit-learn major
                version it was trained with, does not match this install.
        """
        import joblib

        p = Path(path)
        if p.is_dir():
            raise ModelError(f"{p}: is a folder, not a model file (a .joblib file)")
        if not p.is_file():
            raise ModelError(f"model file not found: {p}")
        try:
            payload = joblib.load(p)
        except Exception as exc:
            # Unpickling a file that is no pickle fails with whatever error
            # its first bytes lead to (KeyError: 154, IndexError...).
            raise ModelError(
                f"{p} is not a boilerstrip model file (cannot unpickle it: "
                f"{type(exc).__name__}: {exc})"
            ) from exc
        if not isinstance(payload, dict) or "format_version" not in payload:
            raise ModelError(f"{p} is not a boilerstrip model file")
        try:
            return cls.from_payload(payload, source=str(p))
        except ModelError:
            raise
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{p} is not a complete boilerstrip model file: {exc!r}") from exc

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], *, source: str = "<memory>") -> Model:
        """Build a model from the dictionary stored in a model file."""
        version = payload["format_version"]
        if version != FORMAT_VERSION:
            raise ModelVersionError(
                f"{source}: model format {version}, but this boilerstrip reads format "
                f"{FORMAT_VERSION}; retrain with `python -m boilerstrip.train` or install "
                "the boilerstrip version that wrote it"
            )
        if payload.get("hash_bits") != HASH_BITS:
            raise ModelVersionError(
                f"{source}: model hashes features into {payload.get('hash_bits')} bits, "
                f"this boilerstrip into {HASH_BITS}"
            )
        _check_sklearn(str(payload.get("sklearn_version", "")), source)
        n_dense = np.asarray(payload["blocks"]["dense_weights"]).shape[1]
        if n_dense != len(DENSE_NAMES):
            raise ModelVersionError(
                f"{source}: model expects {n_dense} dense features, this boilerstrip computes "
                f"{len(DENSE_NAMES)}; retrain with `python -m boilerstrip.train`"
            )
        n_first = np.asarray(payload["blocks"]["dense_weights"]).shape[0]
        if n_first != len(FIRST_STAGE_CLASSES):
            raise ModelVersionError(
                f"{source}: model's block stage has {n_first} classes, this boilerstrip "
                f"expects {len(FIRST_STAGE_CLASSES)} {FIRST_STAGE_CLASSES}; retrain with "
                "`python -m boilerstrip.train`"
            )
        members = payload["context"]
        if not isinstance(members, list) or not members:
            raise ModelError(f"{source}: the model's context stage holds no network")
        for ctx in members:
            n_inputs = np.asarray(ctx["mean"]).shape[0]
            if n_inputs != context_width():
                raise ModelVersionError(
                    f"{source}: model's context stage reads {n_inputs} inputs, this "
                    f"boilerstrip gives it {context_width()}; retrain with "
                    "`python -m boilerstrip.train`"
                )
        shapes = {tuple(np.shape(w) for w in ctx["weights"]) for ctx in members}
        if len(shapes) > 1:
            raise ModelError(
                f"{source}: the model's context networks differ in layer shapes "
                f"{sorted(shapes)}; they must be alike"
            )
        return cls(
            vocabulary=Vocabulary(np.asarray(payload["stopword_hashes"], dtype=np.uint64)),
            blocks=_linear_from_dict(payload["blocks"]),
            context=Committee(
                tuple(
                    Network(
                        mean=np.asarray(ctx["mean"]),
                        scale=np.asarray(ctx["scale"]),
                        weights=tuple(np.asarray(w) for w in ctx["weights"]),
                        biases=tuple(np.asarray(b) for b in ctx["biases"]),
                    )
                    for ctx in members
                )
            ),
            kinds=_linear_from_dict(payload["kinds"]),
            kind_labels=tuple(Kind(k) for k in payload["kind_labels"]),
            info=dict(payload.get("info", {})),
        )


def _linear_to_dict(layer: Linear) -> dict[str, Any]:
    return {
        "mean": layer.mean,
        "scale": layer.scale,
        "dense_weights": layer.dense_weights,
        "sparse_weights": layer.sparse_weights,
        "intercept": layer.intercept,
    }


def _linear_from_dict(d: Mapping[str, Any]) -> Linear:
    sparse = d.get("sparse_weights")
    return Linear(
        mean=np.asarray(d["mean"], dtype=np.float64),
        scale=np.asarray(d["scale"], dtype=np.float64),
        dense_weights=np.asarray(d["dense_weights"], dtype=np.float64),
        sparse_weights=None if sparse is None else np.asarray(sparse, dtype=np.float32),
        intercept=np.asarray(d["intercept"], dtype=np.float64),
    )


def _installed_sklearn() -> str:
    try:
        return importlib.metadata.version("scikit-learn")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _check_sklearn(built_with: str, source: str) -> None:
    """Refuse a model fitted by another scikit-learn major version.

    The stored arrays follow scikit-learn's parameterisation of its estimators
    (coefficient layout, the MLP's layer order); a new major version may change
    it, so a model is trusted only with the major version that fitted it.
    """
    installed = _installed_sklearn()
    if not built_with or installed == "unknown":
        return
    if built_with.split(".")[0] != installed.split(".")[0]:
        raise ModelVersionError(
            f"{source}: model was trained with scikit-learn {built_with}, but "
            f"scikit-learn {installed} is installed; install scikit-learn "
            f"{built_with.split('.')[0]}.x or retrain with `python -m boilerstrip.train`"
        )


def default_model_path() -> Path:
    """Where the shipped model is: the installed package, or ``models/`` in a checkout."""
    try:
        resource = importlib.resources.files("boilerstrip.models") / MODEL_FILENAME
        if resource.is_file():
            return Path(str(resource))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "models" / MODEL_FILENAME


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process.

    >>> default_model() is default_model()
    True
    """
    return Model.load(default_model_path())
