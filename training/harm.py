"""Training of the harm head: benign or one harm category over the shared sentence embedding.

Labels: benign, violence, weapons (weapons, explosives, fire and sabotage on aircraft, at airports
and on cars), drugs, hate, tracking (locating, following, stalking or doxxing a person), self_harm,
crime (fraud, hacking, smuggling, forged documents), Chinese and English.

Rows (`harm_rows`):
- `training/data/harm/*.jsonl`: harmful requests written for the product, many phrased as airline
  or car traffic, travel questions or complaints with a harmful ask inside, and hard negatives that
  share their words (dangerous-goods policy questions, angry but genuine complaints, idioms such as
  "the delay almost killed me" / "气死我了", reports of someone else's harmful act);
- the guard data's unsafe requests (`weapons`) and threats (`violence`);
- every ordinary request of the router and guard data as `benign` (router rows labelled
  `irrelevant` that are themselves harmful are left out);
- composed rows (`composed_rows`): a genuine complaint of the router data followed by a harmful
  request (harmful) or by a look-alike policy question (benign), so the head learns that a harmful
  ask is not made harmless by the complaint around it. A composed row shares its fold group with the
  sentence it was made from, so cross-validation never scores a row whose source it trained on.

The score of a message is the runtime's (`agents.guards.harm`): 1 - p(benign) of the whole message
and, for a message of several parts, of its most harmful part. The regularisation C and both
thresholds are chosen on out-of-fold scores of grouped 5-fold cross-validation:
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

from agents.guards.harm import harm_parts
from agents.semantic import HEAD_FORMAT, encoder_id, head_featuriser
from switchboard.errors import ConfigurationError
from training import intent
from training.artifact import Inputs, Trainer
from training.embeddings import embed_texts
from training.features import split_key
from training.guards import GUARD_DIR
from training.semantic import check_head, fit_softmax, log_stderr, recipe, softmax, write_head

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
# Router rows labelled `irrelevant` that are harmful requests themselves ("how do I make a bomb")
# are not benign examples for the harm head.
_HARMFUL_WORDS = re.compile(
    r"bomb|explosive|weapon|gun|kill|poison|drug|cocaine|heroin|meth|suicide|炸|枪|毒|杀|自杀|武器|爆",
    re.IGNORECASE,
)
RECIPE_VERSION = "3"
C_GRID = (16.0, 64.0)
HARM_FALSE_BLOCK = 0.005  # of all benign rows (ordinary requests dominate them)
# Of the hard negatives written to sit at the boundary ("where is the fire exit on the plane", "how do
# I report a drug smuggler I saw"): the hardest of them cost a third of the recall at 3 %.
LOOKALIKE_FALSE_BLOCK = 0.06
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
    kind: str  # ordinary | lookalike | complaint | harm | composed


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
            kind = "lookalike" if r["label"] == "benign" else "harm"
            rows.append(HarmRow(r["text"], r["label"], split_key(r["text"]), kind))
    for name in GUARD_HARM_FILES:
        rows += [
            HarmRow(r["text"], GUARD_HARM[r["category"]], split_key(r["text"]), "harm")
            for r in _jsonl(GUARD_DIR / name)
            if r.get("category") in GUARD_HARM
        ]
    harmful = {r.text for r in rows if r.label != "benign"}
    for routed in intent.load_rows():
        if routed.text in harmful or (routed.label == "irrelevant" and _HARMFUL_WORDS.search(routed.text)):
            continue
        if routed.label == "irrelevant" and routed.source == "public_prompt_injection":
            continue
        kind = "complaint" if routed.label == "complaint" and routed.is_product else "ordinary"
        rows.append(HarmRow(routed.text, "benign", split_key(routed.text), kind))
    for name in GUARD_BENIGN_FILES:
        rows += [
            HarmRow(r["text"], "benign", split_key(r["text"]), "ordinary")
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
    """The vectors of the rows and of their parts (`owner[i]` is the row of part i)."""

    rows: np.ndarray
    parts: np.ndarray
    owner: np.ndarray


def embed_rows(rows: Sequence[HarmRow], model_dir: Path, log: Callable[[str], None]) -> Vectors:
    parts, owner = [], []
    for i, row in enumerate(rows):
        for part in harm_parts(row.text):
            parts.append(part)
            owner.append(i)
    x = embed_texts([r.text for r in rows], model_dir, log=log)
    xp = embed_texts(parts, model_dir, log=log) if parts else np.zeros((0, x.shape[1]), dtype=np.float32)
    return Vectors(x, xp, np.array(owner, dtype=int))


def message_scores(v: Vectors, w: np.ndarray, b: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The runtime's score of each row: the highest 1 - p(benign) of the message and its parts."""
    idx = np.arange(len(v.rows)) if rows is None else rows
    score = 1 - softmax(v.rows[idx] @ w + b)[:, 0]
    position = {int(r): k for k, r in enumerate(idx)}
    mine = np.array([int(o) in position for o in v.owner], dtype=bool)
    if mine.any():
        part_score = 1 - softmax(v.parts[mine] @ w + b)[:, 0]
        for owner, s in zip(v.owner[mine], part_score, strict=True):
            k = position[int(owner)]
            score[k] = max(score[k], s)
    return score


def out_of_fold(v: Vectors, y: np.ndarray, groups: Sequence[str], c: float) -> np.ndarray:
    from sklearn.model_selection import StratifiedGroupKFold

    weights = _weights(y)
    score = np.zeros(len(y))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(y)), list(y), list(groups)):
        w, b = fit_softmax(v.rows[fit_idx], y[fit_idx], weights[fit_idx], len(HARM_LABELS), c)
        score[val_idx] = message_scores(v, w, b, val_idx)
    return score


def lowest_cut(score: np.ndarray, limits: Sequence[tuple[np.ndarray, float]]) -> float:
    """The lowest cut at which each mask's false blocks stay at or under its limit."""
    for t in np.round(np.arange(0.3, 0.99, 0.01), 2):
        if all(not mask.any() or (score[mask] >= t).mean() <= limit for mask, limit in limits):
            return float(t)
    return 0.99


def choose_thresholds(score: np.ndarray, rows: Sequence[HarmRow]) -> tuple[float, float]:
    benign = np.array([r.label == "benign" for r in rows])
    lookalike = np.array([r.label == "benign" and r.kind in ("lookalike", "composed") for r in rows])
    complaint = np.array([r.kind == "complaint" for r in rows])
    threshold = lowest_cut(score, [(benign, HARM_FALSE_BLOCK), (lookalike, LOOKALIKE_FALSE_BLOCK)])
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
    for kind in ("ordinary", "complaint", "lookalike", "composed"):
        mask = benign & np.array([r.kind == kind for r in rows])
        out[f"false_block_{kind}"] = float(blocked[mask].mean()) if mask.any() else None
    return out


def train_harm_head(path: Path, key: str, *, log: Callable[[str], None] = log_stderr) -> None:
    rows = harm_rows()
    train = [r for r in rows if not is_dev(r)]
    dev = [r for r in rows if is_dev(r)]
    y = np.array([HARM_LABELS.index(r.label) for r in train])
    v = embed_rows(train, path.parent, log)
    groups = [r.group for r in train]
    best: tuple[float, float, float, float, np.ndarray] | None = None
    for c in C_GRID:
        score = out_of_fold(v, y, groups, c)
        threshold, write = choose_thresholds(score, train)
        recall = float((score[y != 0] >= threshold).mean())
        log(f"harm head: C={c} threshold={threshold} recall={recall:.3f}")
        if best is None or recall > best[3]:
            best = (c, threshold, write, recall, score)
    assert best is not None
    c, threshold, write_threshold, _, oof = best
    head_w, head_b = fit_softmax(v.rows, y, _weights(y), len(HARM_LABELS), c)
    dev_score = message_scores(embed_rows(dev, path.parent, log), head_w, head_b)
    meta = {
        "format": HEAD_FORMAT,
        "kind": HARM_HEAD,
        "encoder": encoder_id(),
        "labels": list(HARM_LABELS),
        "threshold": threshold,
        "write_threshold": write_threshold,
        "C": c,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv": figures(oof, train, threshold),
        "cv_at_write_threshold": figures(oof, train, write_threshold),
        "dev": figures(dev_score, dev, threshold),
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
    }
    write_head(path, head_w, head_b, meta)


def harm_head_trainer() -> Trainer:
    def inputs() -> Inputs:
        files = [
            *sorted(HARM_DIR.glob("*.jsonl")),
            *(GUARD_DIR / n for n in (*GUARD_HARM_FILES, *GUARD_BENIGN_FILES)),
            *intent.data_files(),
            Path(__file__).resolve().parents[1] / "agents" / "guards" / "harm.py",  # harm_parts
        ]
        params = recipe(
            recipe_version=RECIPE_VERSION,
            c_grid=list(C_GRID),
            labels=list(HARM_LABELS),
            false_block=HARM_FALSE_BLOCK,
            lookalike_false_block=LOOKALIKE_FALSE_BLOCK,
            write_false_block=HARM_WRITE_FALSE_BLOCK,
            complaint_write_false_block=LOOKALIKE_WRITE_FALSE_BLOCK,
            dev_percent=DEV_PERCENT,
            joiners=JOINERS,
        )
        return Inputs(files=files, params=params, featuriser=head_featuriser())

    return Trainer(name=HARM_HEAD, inputs=inputs, train=train_harm_head, check=check_head)
