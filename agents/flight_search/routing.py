"""Where a search goes: the slots a message states about the timetable, a pick from the last list,
and which airline specialist a search leans to.

`search_entities` adds to a message's entities its search slots (`agents.flight_search.request`)
and, when the message picks from the last list of flights and states no new route, the picked
flight's number and date (the picked flight's date replaces any date-like words of the pick:
"the 2nd" is the second flight, not the 2nd of the month).

`lean` is a rule on top of the router's decision, for messages that state a route in words of
flying (or both ends of a route the classifier is unsure about, or the user's own flight) and no
flight number: the words decide which airline specialist answers, whatever the classifier said,
unless it is sure of another desk (a complaint, a cancellation, a document or stock question). A
place alone is not a route ("what's the weather in Beijing tomorrow" stays where it was sent), nor
is a trip by car or train, which no airline desk answers (`irrelevant`) when it names no flying:

    booking words ("book", "订", "want to fly", ...)    -> book_seat (the seat desk lists, then books)
    price words ("how much", "fare", "多少钱", ...)     -> price_inquiry (every cabin's fare)
    anything else, a bare "flights from X to Y"         -> flight_status (the timetable with statuses)
    the user's own flight ("is my flight to X on time") -> flight_status (with a route or status words)

A pick from a list goes by its words too: "is the second one on time?" to the status desk, "how
much is the 9 o'clock one?" to the fares desk, and a bare pick ("第二个", "the 9 o'clock one",
"最便宜的那个": a pick by price is no price question) continues to booking: the seat desk.
"""

from __future__ import annotations

import re
from datetime import date

from agents.flight_search.picks import CHEAPEST, pick
from agents.flight_search.request import SEARCH_SLOTS, read_search, states_route
from agents.flight_search.terse import only_route
from switchboard.state import RouteDecision, State

AIRLINE_SEARCH_DESKS = frozenset({"flight_status", "book_seat", "price_inquiry"})
# Desks a confident classifier keeps, route or not ("my flight to Shanghai was delayed, I want
# to complain" is a complaint). A confident `irrelevant` too: the semantic router reads "book a
# hotel in Shanghai on Friday" or "the weather for my trip to Paris" as out of scope, and on
# out-of-fold predictions of the router's training data keeping it lost no route or fare question.
OTHER_DESKS = frozenset({"complaint", "cancel_flight", "knowledge_search", "inventory_query", "irrelevant"})

_BOOKING = re.compile(
    r"\b(?:book|booking|reserve|buy|purchase|get\s+me|want\s+to\s+fly|like\s+to\s+fly|need\s+(?:a\s+)?(?:flight|ticket)"
    r"|seat|tickets?\s+for\s+me|(?:i'?ll|we'?ll|i\s+will|let\s+me)\s+take)\b|订|预订|预定|买|购买|出票|帮我安排|座位"
    r"|我要|就要|就这班|就它",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"\b(?:how\s+much|price|prices|(?:air)?fares?|cost|costs|cheap|cheapest|cheaper|expensive|dollars?|usd)\b|\$"
    r"|多少钱|票价|价格|价钱|便宜|贵(?![阳州])|费用|多少元|几块|特价|折扣|打折|低价",
    re.IGNORECASE,
)


# A place alone is no flight question ("今天上海天气怎么样", "租一辆车去杭州"): the rule needs words of
# flying, or a route with both ends that the classifier did not send elsewhere with confidence.
_FLIGHT_WORDS = re.compile(
    r"\b(?:flights?|fly|flying|flies|plane|planes|airlines?|tickets?|fares?|depart\w*|arriv\w*|non-?stop"
    r"|direct|book\w*|seats?|timetable|schedules?|trips?|routes?|on\s+time|delay\w*)\b"
    r"|航班|飞机|机票|飞|机场|航线|班机|票|起飞|落地|出发|登机|直飞|订|座位|舱|准点|延误|晚点",
    re.IGNORECASE,
)
# Other ways to travel: a route in these words is no flight question. "Coach" class, fares and
# seats are an airline's economy cabin ("list the coach fares from boston to denver").
_OTHER_TRAVEL = re.compile(
    r"\b(?:drive|driving|car|train|trains|bus|buses|coach(?!\s+(?:class|fares?|seats?|cabin|economy))|ferry|taxi|uber)\b|开车|自驾|火车|高铁|动车|大巴|汽车|租车|打车|轮渡",
    re.IGNORECASE,
)
# Words only flying uses: a ticket, a timetable or a departure belongs to a train or a bus as well
# ("北京到天津的火车票", "bus schedule boston to new york"), and a ride to or from an airport is a trip
# on the ground: neither makes a ground trip a flight.
_FLYING = re.compile(
    r"\b(?:flights?|fly|flying|flies|flown|plane|planes|airlines?|air\s*fares?|airplanes?|jets?)\b"
    r"|航班|飞机|机票|飞|航线|班机|航空|登机|直飞",
    re.IGNORECASE,
)
# Things booked or asked about at a place that are not flights: "帮我订周五上海的酒店".
_NOT_FLIGHTS = re.compile(
    r"\b(?:hotels?|hostels?|restaurants?|tables?\s+for|concerts?|movies?|cinema|museum|weather)\b"
    r"|酒店|宾馆|民宿|餐厅|饭店|门票|演唱会|电影|景点|天气|导航",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"\b(?:on\s+time|delay(?:ed|s)?|late|status|gate|cancel(?:l)?ed|boarding|depart(?:ed|s)?|land(?:ed|s)?|arriv(?:ed|es))\b"
    r"|准点|准时|延误|晚点|状态|登机口|登机|取消了|起飞了|到了吗|几点到",
    re.IGNORECASE,
)


def search_entities(state: State, text: str, entities: dict[str, str], today: date) -> dict[str, str]:
    """`entities` with the message's search slots, or the flight it picks from the last list."""
    found = dict(entities)
    search = read_search(text, today)
    shown = state.get("flights_shown")
    if shown and shown["options"] and not states_route(search):
        choice = pick(text, shown["options"])
        if choice is not None:
            found["flight_number"] = choice["flight_number"]
            found["flight_date"] = choice["flight_date"]
            found["picked"] = str(choice["n"])
            return {k: v for k, v in found.items() if k not in SEARCH_SLOTS}
    found.update(search)
    return found


def leaning(text: str, entities: dict[str, str] | None = None) -> str:
    """The airline desk a search message leans to (see the module docstring); a price limit
    ("3000元以内") is price words too."""
    if _BOOKING.search(text):
        return "book_seat"
    if _PRICE.search(text) or (entities or {}).get("max_price"):
        return "price_inquiry"
    return "flight_status"


def lean(
    decision: RouteDecision, text: str, entities: dict[str, str], threshold: float, active: str | None = None
) -> RouteDecision:
    """The router's decision, moved to the airline desk a search or a pick belongs to (`active`:
    the open task, which a pick continues)."""
    label, confidence = decision["label"], decision["confidence"]
    # The out-of-scope gate's verdict (`scope`) is no sure reading: a route between served places in
    # words of flying or fares is a search ("how much to fly Shanghai to Beijing on points").
    gated = decision["decided_by"] in ("clarify", "scope")
    sure_elsewhere = label in OTHER_DESKS and confidence >= threshold and not gated
    if entities.get("picked"):
        # "the cheapest one" / "最便宜的那个" picks by price; only other price words ask a price.
        words = CHEAPEST.sub(" ", text)
        if _BOOKING.search(words) or not (_PRICE.search(words) or _STATUS.search(words)):
            desk = "book_seat"
        else:
            desk = "price_inquiry" if _PRICE.search(words) else "flight_status"
        if desk == label and decision["decided_by"] in ("classifier", "context"):
            return decision
        return {"label": desk, "confidence": confidence, "decided_by": "rule"}
    if entities.get("flight_number") or entities.get("confirmation_number"):
        return decision
    if states_route(entities) and _OTHER_TRAVEL.search(text) and not _FLYING.search(text):
        if label in AIRLINE_SEARCH_DESKS:
            # "train from shanghai to hangzhou tomorrow", "北京到天津的大巴": a trip on the ground,
            # which the flight desk answered with "no flights found" or a flight table.
            return {"label": "irrelevant", "confidence": confidence, "decided_by": "rule"}
        return decision
    # only_route re-reads the places: worth it only when the message states a route at all (a
    # route-only message always does, so this changes no decision).
    if states_route(entities) and only_route(text):
        # "paris to frankfurt 12/22": a route and nothing else is a search, however sure the
        # classifier is that two city names are out of scope.
        return {"label": leaning(text, entities), "confidence": confidence, "decided_by": "rule"}
    if sure_elsewhere:
        return decision
    if entities.get("own_flight") and (states_route(entities) or _STATUS.search(text)):
        # "is my flight to Shanghai on time": the user's own flight. "my flight" alone is no
        # status question ("what's the fee for moving my flight to another day" is a policy one).
        return {"label": "flight_status", "confidence": confidence, "decided_by": "rule"}
    if not states_route(entities) or _OTHER_TRAVEL.search(text) or _NOT_FLIGHTS.search(text):
        return decision
    both_ends = any(k in entities for k in ("origin", "unserved_origin")) and any(
        k in entities for k in ("destination", "unserved_destination")
    )
    unsure = label in AIRLINE_SEARCH_DESKS or confidence < threshold or gated
    desk_words = _PRICE.search(text) or _BOOKING.search(text) or _STATUS.search(text)
    if _FLIGHT_WORDS.search(text) or (both_ends and (unsure or desk_words)):
        desk = leaning(text, entities)
        if not desk_words and label in AIRLINE_SEARCH_DESKS and confident(decision, threshold):
            # No desk words: the rule's default (the status desk) does not overrule the router's
            # confident reading ("what's the airfare from X to Y" is a fare question).
            return decision
        return {"label": desk, "confidence": confidence, "decided_by": "rule"}
    return decision


def confident(decision: RouteDecision, threshold: float) -> bool:
    """Whether the router chose `decision` by its classifier with confidence."""
    return decision["decided_by"] == "classifier" and decision["confidence"] >= threshold
