"""Two or more named values compared on one measure: "宝马和奥迪哪个库存多", "is the Han or the Seal
cheaper", "Pudong vs Minhang: which has more" -> the groups of the compared field, the larger first;
a named city's stores ("深圳两个店哪个卖得多") are compared the same way.
"""

from __future__ import annotations

from tools.inventory.grammar import keywords as W
from tools.inventory.grammar.each_store import city_stores_each
from tools.inventory.grammar.reading import Reading, search
from tools.inventory.spec import QuerySpec

# "宝马和奥迪哪个多", "BMW vs Audi, which has more": two named values compared on one measure.
_WHICH_ONE = (
    r"哪个|哪家|哪款|哪一个|哪种|哪一家|谁|还是|\bwhich\b|\bwho\b|\bwhat\s+(?:has|have|had|sells?|sold|is|costs?)\b"
    r"|\b(?:more|fewer|less|cheaper|pricier|dearer)\b[^?]{0,40}\bor\b"  # "are there more BMWs or Audis"
    r"|\bor\b[^?]{0,40}\b(?:more|fewer|less|cheaper|pricier|dearer)\b"  # "is the Han or the Seal cheaper"
)
_CMP_MORE = r"多(?!少)|贵|高|more|most|expensive|pricier|higher|bigger|larger|greater"
_CMP_LESS = r"(?<!多)少|便宜|低|fewer|less|least|cheaper|lower|smaller"  # "各多少台" asks a count, not fewer
_CMP_PRICE = r"贵|便宜|价|expensive|pricier|cheaper|price|cost"


def compare(q: Reading, spec: QuerySpec) -> bool:
    """Two or more named values compared: "宝马和奥迪哪个库存多" -> the one with the larger count."""
    if q.ids or not search(_WHICH_ONE, q.r):
        return False
    more, less = search(_CMP_MORE, q.r), search(_CMP_LESS, q.r)
    if not (more or less):
        return False
    compared = [
        f
        for f, ms in q.values.items()
        if f not in ("vehicle_id", "vin", "status") and len({m.value for m in ms if not m.negated}) > 1
    ]
    # "宝马X3和奥迪Q5L哪个便宜": the models are compared (their brands come with them)
    for general, specific in (("brand", "model"), ("city", "store_id")):
        if general in compared and specific in compared:
            compared.remove(general)
    if not compared and city_stores_each(q.r, q.values.get("city", [])):
        compared = ["store_id"]  # "深圳两个店哪个卖得多", "the two Wuhan stores, which sold more?"
    field_name = compared[0] if compared else None
    if field_name is None:
        return False
    if search(_CMP_PRICE, q.r) or W.AVG_WORDS.search(q.r):
        spec.aggregate, spec.metric = "avg", q.metric or "guide_price"
    else:
        spec.aggregate = "count"
    spec.group_by = ["store" if field_name == "store_id" else field_name]
    # the comparative said first decides ("哪个少" / "which has more, fewer or ...")
    spec.order_by = "value"
    spec.descending = more is not None and (less is None or more.start() <= less.start())
    # "which has more, and how many each": both groups answer it, the larger first
    spec.limit = None if W.EACH_COUNT.search(q.r) else 1
    return True
