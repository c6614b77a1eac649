"""The local intent classifier: TF-IDF character and word n-grams into a logistic regression.

Training (scikit-learn, imported lazily) reads the JSON Lines files of `agents/data/router/`,
holds back a deterministic dev split of the product-written rows, fits the model and exports it to
one `.npz` artifact: the two vocabularies, their idf weights, the coefficients, the intercepts and a
JSON header (labels, out-of-scope threshold, hyper-parameters, data hash).

Inference is numpy only. It reproduces scikit-learn's analyzers exactly (char_wb padding, word
n-grams, sublinear tf, idf, l2 norm per block) because importing sklearn alone costs about 2 s and a
whole turn must start in less. The artifact's name carries a hash of the training data and of
`CODE_VERSION`, so a change to either trains a fresh one on first use.

    python -m agents.intent_model train [--out DIR]      # prints the artifact path and training time
    python -m agents.intent_model evaluate               # dev-split report
    python -m agents.intent_model tune                   # cross-validated hyper-parameter grid (train part only)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from switchboard.errors import ConfigurationError, InputError
from switchboard.intents import INTENTS

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

LABELS: tuple[str, ...] = INTENTS
DATA_DIR = Path(__file__).resolve().parent / "data" / "router"
# Bump when the features, the training recipe or the artifact layout change: it is part of the
# artifact's name, so old artifacts are simply ignored.
CODE_VERSION = "2"
ARTIFACT_FORMAT = 1

# Chosen by `tune` (grouped 5-fold cross-validation on the train part only; see `_GRID`). The grid
# spread is about one point; (1, 4) / C=30 / min_df=2 is within noise of the best and keeps the
# vocabulary (and the artifact) three times smaller than min_df=1.
CHAR_NGRAMS = (1, 4)
WORD_NGRAMS = (1, 2)
MIN_DF = 2
C = 30.0
# A public utterance counts for this much of a product-written one: the public sets are auxiliary
# (other product, other style) and must not drown the product's own phrasing.
PUBLIC_WEIGHT = 0.5
# Deferring (LLM or a clarifying question) costs this much of a wrong route: the threshold is the
# lowest confidence cut whose errors + DEFER_COST * deferrals, on out-of-fold predictions, come
# within THRESHOLD_TOLERANCE of the minimum (see `choose_threshold`).
DEFER_COST = 0.3
THRESHOLD_TOLERANCE = 0.02
FOLDS = 5
SEED = 0
DEV_PERCENT = 20
# Longer input is cut before analysis: the classifier's cost stays bounded whatever arrives.
MAX_CHARS = 2000

# One CJK character, or a run of other letters/digits: Chinese has no spaces, so its words are
# left to the character n-grams and to word bigrams of single characters.
TOKEN_PATTERN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
_TOKEN = re.compile(TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's _VectorizerMixin._white_spaces
_DIGIT = re.compile(r"\d")
# Entities mask for the dev split key: FL123 and FL456 variants of one sentence share a split.
_ENTITY = re.compile(r"[a-z]*\d[a-z\d]*")


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
    def load(cls, path: Path) -> IntentModel:
        """Read an artifact written by `train_model`."""
        try:
            with np.load(Path(path), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
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
        return values @ self._coef_t[ci + wi] + self._intercept

    def predict_proba(self, text: str) -> np.ndarray:
        """Probabilities in `labels` order (softmax of the multinomial logistic regression)."""
        z = self.decision_function(text)
        z = np.exp(z - z.max())
        return z / z.sum()

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
    data = array.tobytes().decode("utf-8")
    return data.split("\n") if data else []


def join_terms(terms: Sequence[str]) -> np.ndarray:
    if any("\n" in t for t in terms):  # analyzers split on whitespace, so this cannot happen
        raise ValueError("a vocabulary term contains a newline")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


# ---------------------------------------------------------------------------------------------
# Data


class Row(NamedTuple):
    text: str
    label: str
    lang: str
    source: str  # file stem, e.g. product_zh, public_clinc150

    @property
    def is_product(self) -> bool:
        return self.source.startswith("product")


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    files = sorted(Path(data_dir).glob("*.jsonl"))
    if not files:
        raise ConfigurationError(f"no training data (*.jsonl) in {data_dir}")
    return files


def load_rows(data_dir: Path = DATA_DIR) -> list[Row]:
    """Every labelled row of the data folder, validated."""
    rows: list[Row] = []
    for path in data_files(data_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            text, label = record.get("text"), record.get("label")
            if not isinstance(text, str) or not text.strip() or label not in LABELS:
                raise ConfigurationError(f"{path.name}:{number}: bad row {line[:80]!r}")
            rows.append(Row(text, label, record.get("lang", ""), path.stem))
    return rows


def split_key(text: str) -> str:
    """What the dev split hashes: the prepared text with entities masked and spaces dropped."""
    return re.sub(r"\s+", "", _ENTITY.sub("#", unicodedata.normalize("NFKC", text).lower()))


def is_dev(row: Row) -> bool:
    """Deterministic dev membership: product-written rows only, by a stable hash of `split_key`."""
    if not row.is_product:
        return False
    digest = hashlib.sha256(split_key(row.text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_PERCENT


def split_rows(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """(train, dev). A public row that says what a dev row says ("hello") is left out of train."""
    dev = [r for r in rows if is_dev(r)]
    dev_keys = {split_key(r.text) for r in dev}
    train = [r for r in rows if not is_dev(r) and split_key(r.text) not in dev_keys]
    return train, dev


def data_hash(data_dir: Path = DATA_DIR) -> str:
    """A short hash of the training files and of CODE_VERSION: part of the artifact's name."""
    digest = hashlib.sha256(f"intent-model-{CODE_VERSION}".encode())
    for path in data_files(data_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def artifact_name(data_dir: Path = DATA_DIR) -> str:
    return f"intent-{data_hash(data_dir)}.npz"


# ---------------------------------------------------------------------------------------------
# Training (scikit-learn, imported only here)


@dataclass(frozen=True)
class Params:
    char_ngrams: tuple[int, int] = CHAR_NGRAMS
    word_ngrams: tuple[int, int] = WORD_NGRAMS
    min_df: int = MIN_DF
    c: float = C
    sublinear_tf: bool = True
    public_weight: float = PUBLIC_WEIGHT


def build_vectorizers(params: Params) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = {
        "preprocessor": prepare,
        "lowercase": False,
        "sublinear_tf": params.sublinear_tf,
        "dtype": np.float64,
    }
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=params.char_ngrams, min_df=params.min_df, **common)
    word = TfidfVectorizer(
        analyzer="word",
        token_pattern=TOKEN_PATTERN,
        ngram_range=params.word_ngrams,
        min_df=params.min_df,
        **common,
    )
    return char, word


def sample_weights(rows: Sequence[Row], public_weight: float = PUBLIC_WEIGHT) -> np.ndarray:
    """Public rows count `public_weight`; then every label gets the same total weight."""
    raw = np.array([1.0 if r.is_product else public_weight for r in rows])
    labels = np.array([r.label for r in rows])
    weights = np.empty_like(raw)
    present = sorted(set(labels))
    for label in present:
        mask = labels == label
        weights[mask] = raw[mask] * (len(rows) / len(present)) / raw[mask].sum()
    return weights


class _Fitted(NamedTuple):
    char: Any
    word: Any
    clf: Any

    def features(self, texts: Sequence[str]) -> csr_matrix:
        from scipy.sparse import hstack

        return hstack([self.char.transform(texts), self.word.transform(texts)], format="csr")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.clf.predict_proba(self.features(texts))


def _fit(rows: Sequence[Row], params: Params) -> _Fitted:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    char, word = build_vectorizers(params)
    texts = [r.text for r in rows]
    x = hstack([char.fit_transform(texts), word.fit_transform(texts)], format="csr")
    # newton-cg: a few exact steps, ~1 s here where lbfgs crawls; one BLAS thread keeps it fast on a
    # shared 2-core machine and the result independent of the thread count.
    clf = LogisticRegression(C=params.c, solver="newton-cg", max_iter=500, tol=1e-4)
    with threadpool_limits(limits=1):
        clf.fit(
            x, [LABELS.index(r.label) for r in rows], sample_weight=sample_weights(rows, params.public_weight)
        )
    return _Fitted(char, word, clf)


def _full_proba(fitted: _Fitted, texts: Sequence[str]) -> np.ndarray:
    """Probabilities over all LABELS, even if a fold lacked a label."""
    proba = np.zeros((len(texts), len(LABELS)))
    proba[:, fitted.clf.classes_] = fitted.predict_proba(texts)
    return proba


def out_of_fold(rows: Sequence[Row], params: Params) -> np.ndarray:
    """Out-of-fold probabilities on `rows`, grouped so entity variants share a fold."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [r.label for r in rows]
    groups = [split_key(r.text) for r in rows]
    proba = np.zeros((len(rows), len(LABELS)))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(rows)), y, groups):
        fitted = _fit([rows[i] for i in fit_idx], params)
        proba[val_idx] = _full_proba(fitted, [rows[i].text for i in val_idx])
    return proba


def choose_threshold(proba: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """The confidence cut for weighted errors + DEFER_COST * deferrals on out-of-fold predictions.

    The cost curve is flat near its minimum, so the exact argmin wanders with small data changes;
    the lowest cut whose cost is within THRESHOLD_TOLERANCE of the minimum is stabler and defers less.
    """
    confidence = proba.max(axis=1)
    wrong = proba.argmax(axis=1) != y
    cuts = np.round(np.arange(0.0, 0.951, 0.01), 2)
    costs = np.array(
        [weights[(confidence >= t) & wrong].sum() + DEFER_COST * weights[confidence < t].sum() for t in cuts]
    )
    return float(cuts[np.argmax(costs <= costs.min() * (1 + THRESHOLD_TOLERANCE))])


def write_artifact(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz with fixed zip timestamps, so the same model always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                zf.writestr(
                    zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue()
                )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the artifact is for every process
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def train_model(out_dir: Path, *, data_dir: Path = DATA_DIR, params: Params | None = None) -> Path:
    """Train on the train split of `data_dir`, write the artifact into `out_dir`, return its path."""
    params = params or Params()
    rows = load_rows(data_dir)
    train, dev = split_rows(rows)
    y = np.array([LABELS.index(r.label) for r in train])
    oof = out_of_fold(train, params)
    threshold = choose_threshold(oof, y, sample_weights(train, params.public_weight))
    fitted = _fit(train, params)

    char_terms = sorted(fitted.char.vocabulary_, key=fitted.char.vocabulary_.get)
    word_terms = sorted(fitted.word.vocabulary_, key=fitted.word.vocabulary_.get)
    meta = {
        "format": ARTIFACT_FORMAT,
        "code_version": CODE_VERSION,
        "data_hash": data_hash(data_dir),
        "labels": list(LABELS),
        "threshold": threshold,
        "char_ngrams": list(params.char_ngrams),
        "word_ngrams": list(params.word_ngrams),
        "min_df": params.min_df,
        "C": params.c,
        "sublinear_tf": params.sublinear_tf,
        "public_weight": params.public_weight,
        "defer_cost": DEFER_COST,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv_accuracy": float((oof.argmax(axis=1) == y).mean()),
    }
    coef = np.zeros((len(LABELS), fitted.clf.coef_.shape[1]))
    intercept = np.full(len(LABELS), -1e9)  # a label without rows can never win
    coef[fitted.clf.classes_] = fitted.clf.coef_
    intercept[fitted.clf.classes_] = fitted.clf.intercept_
    arrays = {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        "char_vocab": join_terms(char_terms),
        "word_vocab": join_terms(word_terms),
        "char_idf": fitted.char.idf_.astype(np.float64),
        "word_idf": fitted.word.idf_.astype(np.float64),
        "coef_t": coef.T.astype(np.float32),
        "intercept": intercept.astype(np.float64),
    }
    path = Path(out_dir) / artifact_name(data_dir)
    write_artifact(path, arrays)
    return path


_TRAIN_LOCK = threading.Lock()


@lru_cache(maxsize=8)
def load_intent_model(model_dir: Path) -> IntentModel:
    """The model for the current data and code, trained into `model_dir` on first use.

    Cached per process and directory. A fresh clone trains here once (about 10 s, sklearn imported
    only then); every later process finds the artifact and loads it in milliseconds.
    """
    path = Path(model_dir) / artifact_name()
    with _TRAIN_LOCK:  # two threads of one server must not train twice
        if not path.exists():
            train_model(Path(model_dir))
    return IntentModel.load(path)


# ---------------------------------------------------------------------------------------------
# Command line

_GRID: tuple[Params, ...] = tuple(
    Params(char_ngrams=cr, c=c, min_df=md)
    for cr in ((1, 3), (1, 4), (2, 5))
    for c in (10.0, 30.0, 100.0)
    for md in (1, 2)
)


def _cmd_train(args: argparse.Namespace) -> int:
    from switchboard.settings import get_settings

    out = Path(args.out) if args.out else get_settings().model_dir
    start = time.perf_counter()
    path = train_model(out)
    print(f"{path}\ntrained in {time.perf_counter() - start:.1f} s")
    return 0


def _cmd_tune(_: argparse.Namespace) -> int:
    from sklearn.metrics import f1_score

    train, _dev = split_rows(load_rows())
    y = np.array([LABELS.index(r.label) for r in train])
    product = np.array([r.is_product for r in train])
    print("char   C     min_df  cv_acc  cv_macro_f1  product_acc")
    for params in _GRID:
        pred = out_of_fold(train, params).argmax(axis=1)
        print(
            f"{params.char_ngrams!s:6} {params.c:<5} {params.min_df:<7} {(pred == y).mean():.4f}  "
            f"{f1_score(y, pred, average='macro'):.4f}       {(pred[product] == y[product]).mean():.4f}"
        )
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    from switchboard.settings import get_settings

    model_dir = Path(args.model_dir) if args.model_dir else get_settings().model_dir
    start = time.perf_counter()
    model = load_intent_model(model_dir)
    print(f"model {model_dir / artifact_name()} ready in {time.perf_counter() - start:.2f} s")
    _train, dev = split_rows(load_rows())
    predictions = model.predict_many([r.text for r in dev])
    gold = [r.label for r in dev]
    pred = [p.label for p in predictions]
    print(
        f"dev rows {len(dev)}  accuracy {accuracy_score(gold, pred):.4f}  macro-F1 "
        f"{f1_score(gold, pred, average='macro', labels=list(LABELS), zero_division=0):.4f}"
    )
    print(classification_report(gold, pred, labels=list(LABELS), digits=3, zero_division=0))
    for lang in ("zh", "en", "mixed"):
        idx = [i for i, r in enumerate(dev) if r.lang == lang]
        if idx:
            g, p = [gold[i] for i in idx], [pred[i] for i in idx]
            print(
                f"{lang:6} n={len(idx):4}  accuracy {accuracy_score(g, p):.4f}  macro-F1 "
                f"{f1_score(g, p, average='macro', labels=sorted(set(g)), zero_division=0):.4f}"
            )
    below = [p.confidence < model.threshold for p in predictions]
    wrong_above = sum(1 for g, p, b in zip(gold, predictions, below, strict=True) if not b and p.label != g)
    print(
        f"threshold {model.threshold:.2f}: {sum(below) / len(dev):.1%} of dev below it; "
        f"{wrong_above} wrong at or above it"
    )
    pairs = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    print("confusions (gold -> predicted: count)")
    for (g, p), n in pairs.most_common():
        print(f"  {g} -> {p}: {n}")
    if args.show_errors:
        for r, p in zip(dev, predictions, strict=True):
            if p.label != r.label:
                print(f"  [{r.label} -> {p.label} {p.confidence:.2f}] {r.text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m agents.intent_model", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train and write the artifact")
    train.add_argument("--out", help="artifact directory (default: Settings.model_dir)")
    train.set_defaults(run=_cmd_train)
    evaluate = sub.add_parser("evaluate", help="report on the dev split (trains if needed)")
    evaluate.add_argument("--model-dir", help="artifact directory (default: Settings.model_dir)")
    evaluate.add_argument("--show-errors", action="store_true", help="print every misclassified dev row")
    evaluate.set_defaults(run=_cmd_evaluate)
    tune = sub.add_parser("tune", help="cross-validate the hyper-parameter grid on the train split")
    tune.set_defaults(run=_cmd_tune)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
