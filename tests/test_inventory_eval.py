"""The evaluation: result comparison rules and the accuracy floor of the local engine."""

from __future__ import annotations

from evals.inventory.__main__ import DATASETS, load
from evals.inventory.compare import results_match


def test_multiset_unless_ordered():
    assert results_match([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], ordered=False)
    assert not results_match([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], ordered=True)
    assert not results_match([(1,), (1,)], [(1,)], ordered=False)  # multiplicity counts


def test_columns_match_by_value_and_extra_columns_are_allowed():
    assert results_match([("V1",)], [("BYD", "V1", 199800)], ordered=False)
    assert results_match([(3, "x")], [("x", 3)], ordered=True)
    assert not results_match([("V1", 5)], [("V1",)], ordered=False)  # a missing column fails
    assert not results_match([("V1", 5)], [("V1", 6)], ordered=False)


def test_numbers_compare_rounded():
    assert results_match([(188552.4972,)], [(188552.50,)], ordered=False)
    assert results_match([(5,)], [(5.0,)], ordered=False)
    assert not results_match([(5,)], [("5x",)], ordered=False)


def test_datasets_are_big_bilingual_and_well_formed():
    main = load(DATASETS["main"])
    assert len(main) >= 200 and 0.4 <= sum(c["lang"] == "zh" for c in main) / len(main) <= 0.6
    assert len({c["id"] for c in main}) == len(main)
    fresh, holdout = load(DATASETS["fresh"]), load(DATASETS["holdout"])
    assert len(fresh) >= 30 and not {c["question"] for c in fresh} & {c["question"] for c in main}
    assert len(holdout) >= 30 and not {c["question"] for c in holdout} & {c["question"] for c in main + fresh}
    assert all(c["gold_sql"].lstrip().upper().startswith("SELECT") for c in main + fresh + holdout)
    paraphrase = load(DATASETS["paraphrase"])
    earlier = {c["question"] for c in main + fresh + holdout}
    assert len(paraphrase) >= 150 and not {c["question"] for c in paraphrase} & earlier
    assert sum(c["lang"] == "zh" for c in paraphrase) * 2 == len(paraphrase)
    assert len({c["id"] for c in paraphrase}) == len(paraphrase)
    assert all(c["gold_sql"].lstrip().upper().startswith("SELECT") for c in paraphrase)
    second = load(DATASETS["paraphrase2"])
    assert len(second) >= 120 and not {c["question"] for c in second} & (
        earlier | {c["question"] for c in paraphrase}
    )
    assert sum(c["lang"] == "zh" for c in second) * 2 == len(second)
    assert len({c["id"] for c in second}) == len(second)
    assert all(c["gold_sql"].lstrip().upper().startswith("SELECT") for c in second)
    fresh2 = load(DATASETS["fresh2"])
    seen = earlier | {c["question"] for c in paraphrase + second}
    assert len(fresh2) >= 40 and not {c["question"] for c in fresh2} & seen
    assert sum(c["lang"] == "zh" for c in fresh2) * 2 == len(fresh2)
    # the third round: no question repeated from an earlier set, ids unique, every gold a SELECT
    later = [
        load(DATASETS[name])
        for name in ("paraphrase3", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9")
    ]
    seen |= {c["question"] for c in fresh2}
    # fresh9's outside author wrote one question fresh8's had already asked, word for word; the set
    # is kept as written (its first-run figure counts it), and no other question may repeat
    repeated_by_author = {"I want a gas SUV under 150k, what do you have?"}
    for cases in later:
        questions = {c["question"] for c in cases}
        assert len(questions) == len(cases) and not (questions & seen) - repeated_by_author
        assert len({c["id"] for c in cases}) == len(cases)
        assert all(c["gold_sql"].lstrip().upper().startswith("SELECT") for c in cases)
        assert all(c.get("alt_sql", "SELECT").lstrip().upper().startswith("SELECT") for c in cases)
        assert all(c.get("ambiguous") for c in cases if "alt_sql" in c)
        assert sum(c["lang"] == "en" for c in cases) * 2 >= len(cases)  # English the weaker side
        seen |= questions


def test_local_engine_reaches_the_accuracy_floor(tmp_path):
    from evals.inventory.__main__ import evaluate
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory

    path = tmp_path / "eval.db"
    engine = make_engine(f"sqlite:///{path}")
    seed_inventory(engine, 5000)
    engine.dispose()
    report = evaluate(load(DATASETS["main"]), path)
    assert report["accuracy"] >= 0.95 and report["accuracy_zh"] >= 0.9 and report["accuracy_en"] >= 0.9


def test_an_ambiguous_case_passes_on_its_second_reading(tmp_path):
    from evals.inventory.__main__ import evaluate
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory

    path = tmp_path / "eval.db"
    engine = make_engine(f"sqlite:///{path}")
    seed_inventory(engine, 500)
    engine.dispose()
    count = "SELECT COUNT(*) FROM vehicles WHERE brand = 'BYD'"
    wrong = "SELECT COUNT(*) FROM vehicles WHERE brand = 'Tesla'"
    question = {"lang": "en", "question": "how many BYDs", "ordered": False}
    cases = [
        {**question, "id": "a", "gold_sql": wrong, "alt_sql": count, "ambiguous": True},
        {**question, "id": "b", "gold_sql": wrong},
        {**question, "id": "c", "gold_sql": count, "alt_sql": wrong, "ambiguous": True},
    ]
    results = {r["id"]: r for r in evaluate(cases, path)["results"]}
    assert (results["a"]["passed"], results["a"]["alt_reading"]) == (True, True)
    assert not results["b"]["passed"]
    assert (results["c"]["passed"], results["c"]["alt_reading"]) == (True, False)
