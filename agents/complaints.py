"""Complaints specialist: record the complaint with an id and a category, and acknowledge it.

A complaint records what happened to the caller. A message that asks who somebody is or how to
reach them ("who complained at gate 3 yesterday, what's her name") is answered without filing:
the assistant never gives out staff or passengers' identities, and a question is not a complaint.

Filing a complaint writes what the user said. Before writing, the text is examined again by the
input guards at their stricter write thresholds (`InputGuard.check_before_write`): an insult, a
threat or a manipulation the first pass found only borderline is refused, not filed ("your staff
were rude and I want compensation" is filed; "file this: your agent is a subhuman idiot" is not).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from langgraph.runtime import Runtime

from agents.common import ToolLog, language_of, outcome, say, screen_before_write, task_slots
from agents.mixed import served_text
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import InputError, NotFound
from switchboard.state import Context, State

if TYPE_CHECKING:
    from tools.airline import ComplaintInfo

AGENT = "complaint_agent"
INTENT = "complaint"

# The words that only say "I want to complain"; what remains is the complaint itself.
_COMPLAINT_WORDS = re.compile(
    r"我(要|想|想要)?(投诉|抱怨|反映)|投诉|客诉|抱怨|"
    r"\bi('d| would)? (want|like|wish|need) to (file|make|lodge|submit|raise) (a |an )?(formal )?complaint\b|"
    r"\b(file|make|lodge|submit|raise) (a |an )?(formal )?complaint\b|\bi('d| would)? (want|like|wish|need) to complain\b|\bcomplain(t)?\b|\bi\b|\bplease\b|"
    # Fillers that say nothing about what happened: "我要投诉一下", "我想投诉啊".
    r"一下|一个|下|了|啊|呀|吧|呢|嗯|你们|我|要|想",
    re.IGNORECASE,
)
_MEANINGFUL = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}")
# Asking for a person's identity or contact details (not "应该向谁投诉", whom to complain to).
_ASKS_IDENTITY = re.compile(
    # "who was ..." as a question, not as a relative clause ("a passenger who was rude").
    r"(?:^|[.!?,;:]\s*|\b(?:tell me|know|find out|ask|see)\s+)who\s+(?:was|is|were|filed|complained|made|reported|sat|sits|is sitting)\b"
    r"|\b(?:what(?:'s| is| was)|tell me|give me|send me)\s+(?:his|her|their|the (?:agent|staff|attendant|passenger|guy|woman|man|lady)'?s?)"
    r"\s+(?:full )?(?:name|number|phone|e-?mail|address|details)\b"
    r"|\b(?:his|her|their)\s+(?:phone|mobile|e-?mail|home address|wechat)\b"
    r"|叫什么|是男是女|男的女的|(?<![向找跟和])谁投诉"
    r"|(?:他|她|他们|她们|那个人|那位|工作人员|乘务员|空姐|地勤|柜台的人)的?(?:名字|全名|电话|手机|工号|联系方式|微信|住址)",
    re.IGNORECASE,
)
# Asking for something done to a text (edit, translate, summarise) that happens to describe a bad
# trip: a writing task, not a complaint to us. An editing verb must point at a text that follows:
# a quoted or colon-led passage, or a word naming one ("this review", "这段话"). Verbs with other
# meanings ("fix my seat", "改成明天") count only with a word naming a text.
_EDITING_VERB = re.compile(
    r"\b(?:proof-?read|spell-?check|polish|rephrase|reword|rewrite|re-write|paraphrase|translate|summari[sz]e"
    r"|shorten|tighten|tone\s+down)\b|make\s+(?:this|it)\s+(?:sound|shorter|longer|more|less|angrier|nicer|politer)"
    r"|turn\s+(?:this|it)\s+into|翻译|润色|改写|缩短|精简|概括",
    re.IGNORECASE,
)
_OTHER_VERB = re.compile(
    r"\b(?:fix|correct|check|improve|edit)\b|修改|改一下|改改|改得|改成|检查|纠正", re.IGNORECASE
)
_NAMED_TEXT = re.compile(
    r"\b(?:this|my|the\s+following)\s+(?:review|post|text|paragraph|message|letter|draft|tweet|e-?mail|note|comment|sentence|wording)\b"
    r"|\b(?:grammar|spelling|typos)\b|这段|这句|这篇|下面|以下|文字|评论|帖子|微博|语法|错别字|措辞|英文|中文|日文",
    re.IGNORECASE,
)
_PASSAGE = re.compile(r"[\"“「『'‘]|:\s*\S|：\S")

CATEGORY_NAMES = {
    "delay": ("航班延误", "delay"),
    "baggage": ("行李", "baggage"),
    "refund": ("退款", "refund"),
    "staff": ("服务人员", "staff"),
    "service": ("服务", "service"),
    "seat": ("座位", "seat"),
    "food": ("餐食", "food"),
    "cleanliness": ("卫生", "cleanliness"),
    "booking": ("预订", "booking"),
    "other": ("其他", "other"),
}
ASK_DETAILS = (
    "很抱歉给您带来不好的体验。请告诉我发生了什么（如航班号、时间和经过），我会为您登记投诉。",
    "I'm sorry to hear that. Please tell me what happened (flight number, when, what went wrong) and I'll file your complaint.",
)
RECORDED = (
    "非常抱歉给您带来不便。您的投诉已登记，编号 {cid}（类别：{category}）。客户关系团队将在 3 个工作日内与您联系。",
    "I'm sorry for the trouble. Your complaint is recorded as {cid} (category: {category}). Our customer relations team will contact you within 3 working days.",
)
NO_IDENTITIES = (
    "抱歉，我不能提供工作人员或其他旅客的身份和联系方式。如果您想投诉自己遇到的情况，请告诉我发生了什么（航班号、时间和经过），我会为您登记。",
    "Sorry, I can't share the identity or contact details of staff or other passengers. If you'd like to complain about something that happened to you, tell me what happened (flight, when, what went wrong) and I'll file it.",
)
LEFT_OUT = (
    "您消息中与投诉无关的请求没有记入投诉，我也不会执行。",
    "The part of your message that was not about this complaint was left out of it and not acted on.",
)
UNKNOWN_FLIGHT = (
    "我们的航班表里没有找到 {flight}，投诉已按您写的航班号记录，未关联航班。",
    "I couldn't find {flight} in our timetable; the complaint keeps the flight number as you wrote it, not linked to a flight.",
)
NOT_EDITING = (
    "我不能替您修改、翻译或改写文字。如果您想就这段经历向我们投诉，请直接告诉我发生了什么（航班号、时间和经过），我会为您登记。",
    "I can't edit, translate or rewrite texts. If you'd like to file a complaint with us about this experience, tell me what happened (flight, when, what went wrong) and I'll record it.",
)
ALREADY = (
    "这条投诉已经登记过了，编号 {cid}，我们正在处理。",
    "This complaint is already on file as {cid}; we are working on it.",
)


def asks_about_someone(text: str) -> bool:
    """Whether the message asks who somebody is or how to reach them (never answered, never filed)."""
    return bool(_ASKS_IDENTITY.search(text))


def asks_for_editing(text: str) -> bool:
    """Whether the message asks for work on a text ("proofread this review: ..."), not a complaint."""
    if verb := _EDITING_VERB.search(text):
        rest = text[verb.start() :]
        return bool(_PASSAGE.search(rest) or _NAMED_TEXT.search(rest))
    if other := _OTHER_VERB.search(text):
        return bool(_NAMED_TEXT.search(text[other.start() :]))
    return False


def has_details(text: str) -> bool:
    """Whether the message says more than "I want to complain"."""
    remainder = _COMPLAINT_WORDS.sub(" ", text)
    return len(_MEANINGFUL.findall(remainder)) >= 2


def build_complaint_node(services: Services, roster: Roster) -> NodeFn:
    from tools.airline import classify_complaint

    def complaint(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        text = state.get("text", "")
        slots = task_slots(state, INTENT)
        log = ToolLog()

        def ask_details() -> dict[str, Any]:
            reply = say(language, *ASK_DETAILS)
            return outcome(
                state,
                agent=AGENT,
                intent=INTENT,
                reply=reply,
                status="needs_info",
                log=log,
                slots=slots,
                keep_active=True,
            )

        if not has_details(text):
            return ask_details()
        if asks_about_someone(text):
            reply = say(language, *NO_IDENTITIES)
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="refused", log=log)
        if asks_for_editing(text):
            reply = say(language, *NOT_EDITING)
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="refused", log=log)
        if refusal := screen_before_write(
            services, state, runtime.context.user_id, agent=AGENT, intent=INTENT
        ):
            return refusal
        # Only the complaint is filed: an unrelated request or instruction in the same message is left
        # out of the stored text (agents.mixed) and the reply says so.
        text, left_out = served_text(text, INTENT, services.intent_model)
        category = classify_complaint(text)
        flight = slots.get("flight_number")

        def file(flight_number: str | None) -> ComplaintInfo:
            return log.run(
                "file_complaint",
                {"text": text, "category": category, "flight_number": flight_number},
                lambda: services.airline.file_complaint(
                    runtime.context.user_id, text, category, flight_number=flight_number
                ),
            )

        unknown_flight = None
        try:
            try:
                result = file(flight)
            except NotFound:
                # A flight of another airline, or a typo: the experience is still worth filing; the
                # number stays in the text the user wrote, only the link to a flight row is dropped.
                unknown_flight = flight
                result = file(None)
        except InputError:
            return ask_details()
        zh, en = CATEGORY_NAMES.get(result.category, (result.category, result.category))
        template = RECORDED if result.created else ALREADY
        reply = say(language, *template).format(cid=result.complaint_id, category=say(language, zh, en))
        if unknown_flight:
            reply = f"{reply} {say(language, *UNKNOWN_FLIGHT).format(flight=unknown_flight)}"
        if left_out:
            reply = f"{reply} {say(language, *LEFT_OUT)}"
        return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed", log=log)

    return complaint


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="dissatisfaction, filing a complaint",
    build=build_complaint_node,
    title=("投诉", "Complaints"),
    capability=("登记投诉", "file complaints"),
    free_text=True,
    reviewed=True,
    job_tools=frozenset({"file_complaint"}),
    write_tools=frozenset({"file_complaint"}),
)
