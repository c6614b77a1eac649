"""Training of the harm head: benign or one harm category over the shared sentence embedding.

Labels: benign, violence, weapons (weapons, explosives, fire and sabotage on aircraft, at airports
and on cars), drugs, hate, tracking (locating, following, stalking or doxxing a person), self_harm,
crime (fraud, hacking, smuggling, forged documents), Chinese and English.

Rows (`harm_rows`):
- `training/data/harm/*.jsonl`: harmful requests written for the product, many phrased as airline
  or car traffic, travel questions or complaints with a harmful ask inside, and hard negatives that
  share their words (dangerous-goods policy questions, angry but genuine complaints, idioms such as
  "the delay almost killed me" / "气死我了", reports of someone else's harmful act);
- `product_harm_3.jsonl` rows with `context: complaint` are genuine angry complaints and count with
  the router's complaint rows for the write cut;
- the guard data's unsafe requests (`weapons`) and threats (`violence`);
- every ordinary request of the router and guard data as `benign` (router rows labelled
  `irrelevant` that are themselves harmful, by a word list or by `agents.guards.harm_rules`, are
  left out);
- composed rows (`composed_rows`): a genuine complaint of the router data followed by a harmful
  request (harmful) or by a look-alike policy question (benign), so the head learns that a harmful
  ask is not made harmless by the complaint around it. A composed row shares its fold group with the
  sentence it was made from, so cross-validation never scores a row whose source it trained on.

Two models are trained on the same rows and stored in one artifact: the softmax head over the
sentence vector, and a binary TF-IDF model (characters 1-4 and words 1-2, the guard models'
featuriser) whose arrays sit beside the head's under `tfidf_*`. The score of a message is the
runtime's (`agents.guards.harm`): `(1 - w) * (1 - p_head(benign)) + w * p_tfidf(harm)` of the whole
message and, for a message of several parts, of its most harmful part. Both C values, the weight
`w` and both thresholds are chosen on out-of-fold scores of grouped 5-fold cross-validation (the
pair of cuts that refuses the most harmful rows):
`threshold` is the lowest cut at which false blocks stay at or under `HARM_FALSE_BLOCK` of all
benign rows AND `LOOKALIKE_FALSE_BLOCK` of the written hard negatives; `write_threshold` (what a
specialist asks before it writes) the lowest at `HARM_WRITE_FALSE_BLOCK` of the benign rows and
`LOOKALIKE_WRITE_FALSE_BLOCK` of the genuine complaints, never above `threshold`. 20 % of the rows
(by a hash of the text) are a dev split, never trained on, reported in the artifact's header.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from agents.guards.harm import TFIDF_PREFIX, harm_featuriser, harm_parts
from agents.guards.harm_rules import harm_rule
from agents.intent_model import ARTIFACT_FORMAT
from agents.semantic import HEAD_FORMAT, encoder_id
from switchboard.errors import ConfigurationError
from training import intent
from training.artifact import Inputs, Trainer, model_arrays, write_artifact
from training.embeddings import embed_texts
from training.features import Params, build_vectorizers, split_key
from training.guards import FIFTH_ROUND, GUARD_DIR
from training.semantic import check_head, fit_softmax, log_stderr, recipe, softmax

HARM_HEAD = "harm"
HARM_DIR = Path(__file__).resolve().parent / "data" / "harm"
HARM_LABELS = ("benign", "violence", "weapons", "drugs", "hate", "tracking", "self_harm", "crime")
# Guard rows that are harm of another name: unsafe requests (smuggling, weapons) and threats.
GUARD_HARM = {"unsafe_request": "weapons", "threat": "violence"}
GUARD_HARM_FILES = ("abuse_attack.jsonl", "abuse_attack_2.jsonl")
# Guard benign rows: ordinary requests, frustration, hard negatives, chit-chat.
GUARD_BENIGN_FILES = (
    "abuse_benign.jsonl",
    "abuse_benign_2.jsonl",
    "product_benign.jsonl",
    "product_benign_2.jsonl",
    "social_benign.jsonl",
    "social_benign_2.jsonl",
    "product_benign_3.jsonl",
    "public_train.jsonl",
)
# Everyday requests (`training.guards.FIFTH_ROUND`): written ones whose words also name harm, and
# CLINC150's general-assistant requests. Each kind has its own false-block limit and neither
# counts in the benign rows' `HARM_FALSE_BLOCK`: hundreds of easy rows there would dilute its rate
# and lower the cut for the boundary rows.
EVERYDAY_FILES = {name: "public" if name.startswith("public_") else "everyday" for name in FIFTH_ROUND}
EVERYDAY_KINDS = tuple(EVERYDAY_FILES.values())
# Router rows labelled `irrelevant` that are harmful requests themselves ("how do I make a bomb")
# are not benign examples for the harm head.
_HARMFUL_WORDS = re.compile(
    r"bomb|explosive|weapon|gun|kill|poison|drug|cocaine|heroin|meth|suicide|炸|枪|毒|杀|自杀|武器|爆",
    re.IGNORECASE,
)
RECIPE_VERSION = "5"
C_GRID = (16.0, 64.0)
# The TF-IDF model's weight in the blended score, chosen by cross-validation with the head's C.
BLEND_GRID = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
# The TF-IDF side: the guard models' featuriser (characters 1-4 read Chinese without a segmenter);
# its C is chosen by cross-validation with the blend.
TFIDF_PARAMS = Params(char_ngrams=(1, 4), word_ngrams=(1, 2), min_df=2, c=10.0)
TFIDF_C_GRID = (3.0, 10.0, 30.0)
HARM_FALSE_BLOCK = 0.005  # of all benign rows (ordinary requests dominate them)
# Of the hard negatives written to sit at the boundary ("where is the fire exit on the plane", "how do
# I report a drug smuggler I saw"): the hardest of them cost a third of the recall at 3 %.
LOOKALIKE_FALSE_BLOCK = 0.06
# Of the everyday kinds above, at the input cut (the product's target is 1 % of everyday messages).
EVERYDAY_FALSE_BLOCK = 0.01
HARM_WRITE_FALSE_BLOCK = 0.01
LOOKALIKE_WRITE_FALSE_BLOCK = 0.01  # of genuine complaints (router complaint rows), before a write
FOLDS = 5
SEED = 0
DEV_PERCENT = 20
# Joiners of a composed row, as people append a second ask.
JOINERS = {
    "en": (" ", ". Also, ", " By the way, ", ". And one more thing: ", ", and "),
    "zh": ("，", "。另外，", "。顺便问一下，", "！还有，", "。对了，"),
}


class HarmRow(NamedTuple):
    text: str
    label: str
    group: str  # the fold group: a composed row shares its source sentence's group
    kind: str  # ordinary | lookalike | complaint | harm | composed | everyday | public


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise ConfigurationError(f"missing training data {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def composed_rows(rows: Sequence[HarmRow], seed: int = SEED) -> list[HarmRow]:
    """A genuine complaint followed by each written harmful request (harmful) or look-alike (benign)."""
    rng = np.random.default_rng(seed)
    complaints = {
        lang: [r.text for r in rows if r.kind == "complaint" and _lang(r.text) == lang]
        for lang in ("en", "zh")
    }
    out = []
    for row in rows:
        if row.kind not in ("harm", "lookalike") or row.label == "self_harm":
            continue
        lang = _lang(row.text)
        if not complaints[lang]:
            continue
        complaint = complaints[lang][int(rng.integers(len(complaints[lang])))].rstrip(" .。!！")
        joiner = JOINERS[lang][int(rng.integers(len(JOINERS[lang])))]
        out.append(HarmRow(f"{complaint}{joiner}{row.text}", row.label, row.group, "composed"))
    return out


def harm_rows() -> list[HarmRow]:
    """Every row of the head (see the module docstring), de-duplicated, first occurrence wins."""
    rows: list[HarmRow] = []
    for path in sorted(HARM_DIR.glob("*.jsonl")):
        for r in _jsonl(path):
            # Written angry complaints (`context: complaint`) are genuine complaints: the write cut
            # must let them through like the router's complaint rows.
            kind = (
                "harm"
                if r["label"] != "benign"
                else ("complaint" if r.get("context") == "complaint" else "lookalike")
            )
            rows.append(HarmRow(r["text"], r["label"], split_key(r["text"]), kind))
    for name in GUARD_HARM_FILES:
        rows += [
            HarmRow(r["text"], GUARD_HARM[r["category"]], split_key(r["text"]), "harm")
            for r in _jsonl(GUARD_DIR / name)
            if r.get("category") in GUARD_HARM
        ]
    harmful = {r.text for r in rows if r.label != "benign"}
    for routed in intent.load_rows():
        if routed.text in harmful or (
            routed.label == "irrelevant" and (_HARMFUL_WORDS.search(routed.text) or harm_rule(routed.text))
        ):
            continue
        if routed.label == "irrelevant" and routed.source == "public_prompt_injection":
            continue
        kind = "complaint" if routed.label == "complaint" and routed.is_product else "ordinary"
        rows.append(HarmRow(routed.text, "benign", split_key(routed.text), kind))
    for name in (*GUARD_BENIGN_FILES, *EVERYDAY_FILES):
        rows += [
            HarmRow(r["text"], "benign", split_key(r["text"]), EVERYDAY_FILES.get(name, "ordinary"))
            for r in _jsonl(GUARD_DIR / name)
            if r.get("label") == "benign"
        ]
    unique: dict[str, HarmRow] = {}
    for row in rows:
        if row.label not in HARM_LABELS:
            raise ConfigurationError(f"harm data: unknown label {row.label!r} for {row.text[:60]!r}")
        unique.setdefault(row.text, row)
    base = list(unique.values())
    for row in composed_rows(base):
        unique.setdefault(row.text, row)
    return list(unique.values())


def is_dev(row: HarmRow) -> bool:
    digest = hashlib.sha256(row.group.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_PERCENT


def _weights(y: np.ndarray) -> np.ndarray:
    """Benign and harmful rows weigh the same in total; categories share the harmful half evenly."""
    weights = np.empty(len(y))
    benign = y == 0
    weights[benign] = 0.5 * len(y) / benign.sum()
    present = sorted(set(y[~benign]))
    for label in present:
        mask = y == label
        weights[mask] = 0.5 * len(y) / len(present) / mask.sum()
    return weights


class Vectors(NamedTuple):
    """The rows and their parts (`owner[i]` is the row of part i), as texts and as vectors."""

    texts: list[str]
    part_texts: list[str]
    rows: np.ndarray
    parts: np.ndarray
    owner: np.ndarray


def embed_rows(rows: Sequence[HarmRow], model_dir: Path, log: Callable[[str], None]) -> Vectors:
    parts, owner = [], []
    for i, row in enumerate(rows):
        for part in harm_parts(row.text):
            parts.append(part)
            owner.append(i)
    texts = [r.text for r in rows]
    x = embed_texts(texts, model_dir, log=log)
    xp = embed_texts(parts, model_dir, log=log) if parts else np.zeros((0, x.shape[1]), dtype=np.float32)
    return Vectors(texts, parts, x, xp, np.array(owner, dtype=int))


class Scores(NamedTuple):
    """Harm scores of each row's whole text and of each of its parts, from one model."""

    rows: np.ndarray
    parts: np.ndarray


def message_scores(v: Vectors, head: Scores, lexical: Scores, weight: float) -> np.ndarray:
    """The runtime's score of each row: the highest blended score of the message and its parts."""
    score = (1 - weight) * head.rows + weight * lexical.rows
    if len(v.owner):
        np.maximum.at(score, v.owner, (1 - weight) * head.parts + weight * lexical.parts)
    return score


def head_scores(v: Vectors, w: np.ndarray, b: np.ndarray, rows: np.ndarray, parts: np.ndarray) -> Scores:
    return Scores(1 - softmax(v.rows[rows] @ w + b)[:, 0], 1 - softmax(v.parts[parts] @ w + b)[:, 0])


class Lexical(NamedTuple):
    """The fitted TF-IDF side: vectorizers and a binary logistic regression (benign / harm)."""

    char: Any
    word: Any
    clf: Any

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import hstack

        if not texts:
            return np.zeros(0)
        x = hstack([self.char.transform(texts), self.word.transform(texts)], format="csr")
        return np.asarray(self.clf.predict_proba(x)[:, 1])


def fit_lexical(texts: Sequence[str], y: np.ndarray, weights: np.ndarray, c: float) -> Lexical:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    char, word = build_vectorizers(TFIDF_PARAMS)
    x = hstack([char.fit_transform(texts), word.fit_transform(texts)], format="csr")
    # liblinear: the exact binary solution in seconds (as the guard models).
    clf = LogisticRegression(C=c, solver="liblinear", tol=1e-6, max_iter=1000)
    clf.fit(x, (y != 0).astype(int), sample_weight=weights)
    return Lexical(char, word, clf)


class OutOfFold(NamedTuple):
    head: dict[float, Scores]  # per C of the head
    lexical: dict[float, Scores]  # per C of the TF-IDF model


def out_of_fold(v: Vectors, y: np.ndarray, groups: Sequence[str]) -> OutOfFold:
    """Out-of-fold whole and part scores of the head (each C of the grid) and the TF-IDF model."""
    from sklearn.model_selection import StratifiedGroupKFold

    weights = _weights(y)
    head = {c: Scores(np.zeros(len(y)), np.zeros(len(v.owner))) for c in C_GRID}
    lexical = {c: Scores(np.zeros(len(y)), np.zeros(len(v.owner))) for c in TFIDF_C_GRID}
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(y)), list(y), list(groups)):
        parts = np.flatnonzero(np.isin(v.owner, val_idx))
        for c in C_GRID:
            w, b = fit_softmax(v.rows[fit_idx], y[fit_idx], weights[fit_idx], len(HARM_LABELS), c)
            fold = head_scores(v, w, b, val_idx, parts)
            head[c].rows[val_idx], head[c].parts[parts] = fold.rows, fold.parts
        for c in TFIDF_C_GRID:
            lex = fit_lexical([v.texts[i] for i in fit_idx], y[fit_idx], weights[fit_idx], c)
            lexical[c].rows[val_idx] = lex.proba([v.texts[i] for i in val_idx])
            lexical[c].parts[parts] = lex.proba([v.part_texts[i] for i in parts])
    return OutOfFold(head, lexical)


def lowest_cut(score: np.ndarray, limits: Sequence[tuple[np.ndarray, float]]) -> float:
    """The lowest cut at which each mask's false blocks stay at or under its limit."""
    for t in np.round(np.arange(0.3, 0.99, 0.01), 2):
        if all(not mask.any() or (score[mask] >= t).mean() <= limit for mask, limit in limits):
            return float(t)
    return 0.99


def choose_thresholds(score: np.ndarray, rows: Sequence[HarmRow]) -> tuple[float, float]:
    benign = np.array([r.label == "benign" and r.kind not in EVERYDAY_KINDS for r in rows])
    everyday = [np.array([r.kind == kind for r in rows]) for kind in EVERYDAY_KINDS]
    lookalike = np.array([r.label == "benign" and r.kind in ("lookalike", "composed") for r in rows])
    complaint = np.array([r.kind == "complaint" for r in rows])
    threshold = lowest_cut(
        score,
        [
            (benign, HARM_FALSE_BLOCK),
            (lookalike, LOOKALIKE_FALSE_BLOCK),
            *((mask, EVERYDAY_FALSE_BLOCK) for mask in everyday),
        ],
    )
    write = lowest_cut(score, [(benign, HARM_WRITE_FALSE_BLOCK), (complaint, LOOKALIKE_WRITE_FALSE_BLOCK)])
    return threshold, min(threshold, write)


def figures(score: np.ndarray, rows: Sequence[HarmRow], threshold: float) -> dict[str, Any]:
    """Recall per language and category, false blocks per kind of benign row, at `threshold`."""
    blocked = score >= threshold
    out: dict[str, Any] = {}
    harmful = np.array([r.label != "benign" for r in rows])
    out["harm_recall"] = float(blocked[harmful].mean()) if harmful.any() else None
    for lang in ("en", "zh"):
        mask = harmful & np.array([_lang(r.text) == lang for r in rows])
        out[f"harm_recall_{lang}"] = float(blocked[mask].mean()) if mask.any() else None
    for kind in ("harm", "composed"):
        mask = harmful & np.array([r.kind == kind for r in rows])
        out[f"harm_recall_{kind}"] = float(blocked[mask].mean()) if mask.any() else None
    benign = ~harmful
    out["benign_false_block"] = float(blocked[benign].mean()) if benign.any() else None
    for kind in ("ordinary", "complaint", "lookalike", "composed", *EVERYDAY_KINDS):
        mask = benign & np.array([r.kind == kind for r in rows])
        out[f"false_block_{kind}"] = float(blocked[mask].mean()) if mask.any() else None
    return out


class Choice(NamedTuple):
    c: float
    tfidf_c: float
    weight: float
    threshold: float
    write_threshold: float
    recall: float
    score: np.ndarray


def choose_blend(
    oof: OutOfFold, v: Vectors, y: np.ndarray, rows: Sequence[HarmRow], log: Callable[[str], None]
) -> Choice:
    """The head's C and the TF-IDF weight whose thresholds (`choose_thresholds`) refuse the most
    harmful rows out of fold, input and write cuts counted alike (ties: the smaller weight)."""
    best: Choice | None = None
    for c in C_GRID:
        for tfidf_c in TFIDF_C_GRID:
            for weight in BLEND_GRID:
                score = message_scores(v, oof.head[c], oof.lexical[tfidf_c], weight)
                threshold, write = choose_thresholds(score, rows)
                recall = float((score[y != 0] >= threshold).mean() + (score[y != 0] >= write).mean()) / 2
                log(
                    f"harm: C={c} tfidf C={tfidf_c} weight={weight} cuts={threshold}/{write} "
                    f"recall={recall:.3f}"
                )
                if best is None or recall > best.recall + 1e-9:
                    best = Choice(c, tfidf_c, weight, threshold, write, recall, score)
    assert best is not None
    return best


def _alone(score: np.ndarray, rows: Sequence[HarmRow]) -> dict[str, Any]:
    threshold, write = choose_thresholds(score, rows)
    return {
        "threshold": threshold,
        "write_threshold": write,
        "at_threshold": figures(score, rows, threshold),
        "at_write_threshold": figures(score, rows, write),
    }


def train_harm_head(path: Path, key: str, *, log: Callable[[str], None] = log_stderr) -> None:
    rows = harm_rows()
    train = [r for r in rows if not is_dev(r)]
    dev = [r for r in rows if is_dev(r)]
    y = np.array([HARM_LABELS.index(r.label) for r in train])
    v = embed_rows(train, path.parent, log)
    oof = out_of_fold(v, y, [r.group for r in train])
    choice = choose_blend(oof, v, y, train, log)
    weights = _weights(y)
    head_w, head_b = fit_softmax(v.rows, y, weights, len(HARM_LABELS), choice.c)
    lexical = fit_lexical(v.texts, y, weights, choice.tfidf_c)
    vd = embed_rows(dev, path.parent, log)
    dev_head = head_scores(vd, head_w, head_b, np.arange(len(dev)), np.arange(len(vd.owner)))
    dev_lexical = Scores(lexical.proba(vd.texts), lexical.proba(vd.part_texts))
    dev_score = message_scores(vd, dev_head, dev_lexical, choice.weight)
    meta = {
        "format": HEAD_FORMAT,
        "kind": HARM_HEAD,
        "encoder": encoder_id(),
        "labels": list(HARM_LABELS),
        "threshold": choice.threshold,
        "write_threshold": choice.write_threshold,
        "blend_tfidf_weight": choice.weight,
        "C": choice.c,
        "tfidf_C": choice.tfidf_c,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv": figures(choice.score, train, choice.threshold),
        "cv_at_write_threshold": figures(choice.score, train, choice.write_threshold),
        # The semantic head alone at its own cross-validated cuts: what the blend adds.
        "cv_head_alone": _alone(
            message_scores(v, oof.head[choice.c], oof.lexical[choice.tfidf_c], 0.0), train
        ),
        "dev": figures(dev_score, dev, choice.threshold),
        "dev_at_write_threshold": figures(dev_score, dev, choice.write_threshold),
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
    }
    lexical_meta = {
        "format": ARTIFACT_FORMAT,
        "kind": f"{HARM_HEAD}_tfidf",
        "labels": ["benign", "harm"],
        "threshold": 0.5,  # unused: the blend's cuts are the head's meta
        "char_ngrams": list(TFIDF_PARAMS.char_ngrams),
        "word_ngrams": list(TFIDF_PARAMS.word_ngrams),
        "sublinear_tf": TFIDF_PARAMS.sublinear_tf,
    }
    # A binary logistic regression is a two-label softmax with the benign scores fixed at zero.
    coef = np.zeros((2, lexical.clf.coef_.shape[1]))
    coef[1] = lexical.clf.coef_[0]
    intercept = np.array([0.0, float(lexical.clf.intercept_[0])])
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        "weights": head_w.astype(np.float32),
        "bias": head_b.astype(np.float32),
    }
    arrays.update(
        {
            f"{TFIDF_PREFIX}{name}": array
            for name, array in model_arrays(lexical_meta, lexical.char, lexical.word, coef, intercept).items()
        }
    )
    write_artifact(path, arrays)


def check_harm(path: Path) -> object:
    """Both models of the artifact load (the head checked as every head)."""
    from agents.intent_model import IntentModel

    head = check_head(path)
    IntentModel.load(path, prefix=TFIDF_PREFIX)
    return head


def harm_head_trainer() -> Trainer:
    def inputs() -> Inputs:
        files = [
            *sorted(HARM_DIR.glob("*.jsonl")),
            *(GUARD_DIR / n for n in (*GUARD_HARM_FILES, *GUARD_BENIGN_FILES, *EVERYDAY_FILES)),
            *intent.data_files(),
            Path(__file__).resolve().parents[1] / "agents" / "guards" / "harm.py",  # harm_parts
            Path(__file__).resolve().parents[1] / "agents" / "guards" / "harm_rules.py",  # benign filter
        ]
        params = recipe(
            recipe_version=RECIPE_VERSION,
            c_grid=list(C_GRID),
            labels=list(HARM_LABELS),
            false_block=HARM_FALSE_BLOCK,
            lookalike_false_block=LOOKALIKE_FALSE_BLOCK,
            everyday_false_block=EVERYDAY_FALSE_BLOCK,
            write_false_block=HARM_WRITE_FALSE_BLOCK,
            complaint_write_false_block=LOOKALIKE_WRITE_FALSE_BLOCK,
            dev_percent=DEV_PERCENT,
            joiners=JOINERS,
            blend_grid=list(BLEND_GRID),
            tfidf=TFIDF_PARAMS.as_dict(),
            tfidf_c_grid=list(TFIDF_C_GRID),
        )
        return Inputs(files=files, params=params, featuriser=harm_featuriser())

    return Trainer(name=HARM_HEAD, inputs=inputs, train=train_harm_head, check=check_harm)
