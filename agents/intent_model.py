"""The local intent classifier at run time: numpy inference over a trained TF-IDF linear model.

A model is a TF-IDF of character and word n-grams into a (multinomial) logistic regression, trained
with scikit-learn by the `training` package and exported to one `.npz` artifact: the two
vocabularies, their idf weights, the coefficients, the intercepts and a JSON header (labels,
out-of-scope threshold, hyper-parameters). The guard models (`agents.guards`) are the same
technique with two labels and are loaded by the same class.

This module holds what predicts and nothing that trains: the featurisers (`prepare`, the analyzers;
training imports them, so train and run featurise identically) and the loader. It reproduces
scikit-learn's analyzers exactly (char_wb padding, word n-grams, sublinear tf, idf, l2 norm per
block) because importing sklearn alone costs about 2 s and a whole turn must start in less.

Artifacts are found through the model directory's manifest (`agents.artifacts`); a missing one is a
one-line `ConfigurationError` telling the user to run `make install`, never a training run.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from agents.artifacts import model_entry, not_built
from switchboard.errors import ConfigurationError, InputError

ARTIFACT_FORMAT = 1
# Bump when `prepare` or the analyzers change (or the guards' `agents.guards.features.model_text`):
# it is part of every artifact's content key, and the runtime refuses an artifact built with another.
FEATURISER_VERSION = "1"
INTENT = "intent"  # the intent model's name in the manifest
# Longer input is cut before analysis: the classifier's cost stays bounded whatever arrives.
MAX_CHARS = 2000

# One CJK character, or a run of other letters/digits: Chinese has no spaces, so its words are
# left to the character n-grams and to word bigrams of single characters.
TOKEN_PATTERN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
_TOKEN = re.compile(TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's _VectorizerMixin._white_spaces
_DIGIT = re.compile(r"\d")


def prepare(text: str) -> str:
    """The model's view of a text: NFKC, lower case, every digit a 0 (FL123 ~ FL456, 12A ~ 15B)."""
    return _DIGIT.sub("0", unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower())


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside space-padded words, exactly as sklearn's `char_wb` analyzer."""
    text = _WHITE_SPACES.sub(" ", text)
    min_n, max_n = ngram_range
    grams: list[str] = []
    for w in text.split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once, as in sklearn
                break
    return grams


def word_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Token n-grams joined by a space, exactly as sklearn's `word` analyzer with TOKEN_PATTERN."""
    tokens = _TOKEN.findall(text)
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


# ---------------------------------------------------------------------------------------------
# Inference (numpy only)


class IntentPrediction(NamedTuple):
    label: str
    confidence: float
    scores: dict[str, float]  # every label -> probability


@dataclass(frozen=True)
class _Block:
    """One TF-IDF block of the feature vector: vocabulary, idf and where its columns start."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int


class IntentModel:
    """A fitted classifier loaded from its artifact; `predict` never imports scikit-learn."""

    def __init__(
        self,
        labels: Sequence[str],
        threshold: float,
        char: _Block,
        word: _Block,
        coef_t: np.ndarray,
        intercept: np.ndarray,
        meta: dict[str, Any],
    ) -> None:
        self.labels: tuple[str, ...] = tuple(labels)
        self.threshold = float(threshold)
        self._char = char
        self._word = word
        self._coef_t = coef_t  # (n_features, n_labels): a row per feature for cheap gathers
        self._intercept = intercept
        self._char_range = tuple(meta["char_ngrams"])
        self._word_range = tuple(meta["word_ngrams"])
        self._sublinear = bool(meta["sublinear_tf"])
        self.meta = meta

    @classmethod
    def load(cls, path: Path, prefix: str = "") -> IntentModel:
        """Read an artifact written by `training.artifact.write_artifact`.

        `prefix` selects a model stored beside others in one file under prefixed array names (the
        harm artifact holds its TF-IDF model as `tfidf_*` next to its semantic head).
        """
        try:
            with np.load(Path(path), allow_pickle=False) as npz:
                arrays = {name[len(prefix) :]: npz[name] for name in npz.files if name.startswith(prefix)}
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
            char_terms = split_terms(arrays["char_vocab"])
            word_terms = split_terms(arrays["word_vocab"])
            char_idf, word_idf = arrays["char_idf"], arrays["word_idf"]
            coef_t, intercept = arrays["coef_t"].astype(np.float64), arrays["intercept"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ConfigurationError(f"cannot read intent model {path}: {exc}") from exc
        if meta.get("format") != ARTIFACT_FORMAT:
            raise ConfigurationError(
                f"intent model {path} has format {meta.get('format')}, want {ARTIFACT_FORMAT}"
            )
        char = _Block(dict(zip(char_terms, range(len(char_terms)), strict=True)), char_idf, 0)
        word = _Block(dict(zip(word_terms, range(len(word_terms)), strict=True)), word_idf, len(char_terms))
        if coef_t.shape != (len(char_terms) + len(word_terms), len(meta["labels"])):
            raise ConfigurationError(f"intent model {path} is inconsistent: coefficients {coef_t.shape}")
        return cls(meta["labels"], meta["threshold"], char, word, coef_t, intercept, meta)

    def _block_features(self, grams: Iterable[str], block: _Block) -> tuple[list[int], np.ndarray]:
        counts = Counter(i for i in map(block.vocabulary.get, grams) if i is not None)
        if not counts:
            return [], np.empty(0)
        idx = list(counts)
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(idx))
        if self._sublinear:
            tf = np.log(tf) + 1.0
        values = tf * block.idf[idx]
        values /= math.sqrt(float(values @ values))
        return [i + block.offset for i in idx], values

    def decision_function(self, text: str) -> np.ndarray:
        """The linear scores of one text, one per label (before the softmax)."""
        if not isinstance(text, str):
            raise InputError(f"the intent model classifies text, not {type(text).__name__}")
        prepared = prepare(text)
        ci, cv = self._block_features(char_wb_ngrams(prepared, self._char_range), self._char)
        wi, wv = self._block_features(word_ngrams(prepared, self._word_range), self._word)
        values = np.concatenate([cv, wv])
        scores: np.ndarray = values @ self._coef_t[ci + wi] + self._intercept
        return scores

    def predict_proba(self, text: str) -> np.ndarray:
        """Probabilities in `labels` order (softmax of the multinomial logistic regression)."""
        z = self.decision_function(text)
        z = np.exp(z - z.max())
        proba: np.ndarray = z / z.sum()
        return proba

    def predict(self, text: str) -> IntentPrediction:
        """The most likely label, its probability as `confidence`, and every label's probability.

        Empty text is classified like any other (the intercepts decide); compare `confidence` with
        `threshold` to know whether to trust the label.
        """
        proba = self.predict_proba(text)
        best = int(proba.argmax())
        scores = {label: float(p) for label, p in zip(self.labels, proba, strict=True)}
        return IntentPrediction(self.labels[best], float(proba[best]), scores)

    def predict_many(self, texts: list[str]) -> list[IntentPrediction]:
        return [self.predict(text) for text in texts]


def split_terms(array: np.ndarray) -> list[str]:
    """A vocabulary as stored: UTF-8 terms joined by newlines (`training.artifact.join_terms`)."""
    data = array.tobytes().decode("utf-8")
    return data.split("\n") if data else []


def load_artifact(
    model_dir: Path, name: str, featuriser: Callable[[IntentModel], str] = lambda _: FEATURISER_VERSION
) -> IntentModel:
    """The artifact of model `name` that the manifest of `model_dir` names, checked and loaded.

    `featuriser` gives the featuriser id this code would use for the loaded model; an artifact the
    manifest says was built with another one is refused. Every failure is one line saying what to run.
    """
    path, entry = model_entry(model_dir, name)
    try:
        model = IntentModel.load(path)
    except ConfigurationError as exc:
        raise not_built(name, model_dir, f"{entry.file} is unreadable") from exc
    if entry.featuriser != featuriser(model):
        raise not_built(
            name, model_dir, f"built with featuriser {entry.featuriser}, this code reads {featuriser(model)}"
        )
    return model


@lru_cache(maxsize=8)
def load_intent_model(model_dir: Path) -> IntentModel:
    """The intent model built into `model_dir` (by `make install`), cached per process and directory."""
    return load_artifact(Path(model_dir), INTENT)
