"""Abusive content: insults aimed at a person, slurs, threats, harassment, requests to endanger a flight.

Policy (customer service, where people are often rightly angry): frustration is served, abuse is
not. "This damn airline lost my bag" or "垃圾航空公司，又延误了" is a complaint and passes; "you
stupid bot", "你们都是傻逼", a slur, a threat or sexual harassment is blocked with a calm reply that
invites the person to say what happened. Requests to smuggle, hijack or make weapons are blocked
as `unsafe_request`; ordinary dangerous-goods questions ("can I bring a knife in checked baggage")
are policy questions and pass.

Two layers. The lexicons below name the unambiguous words and shapes; they read lower-cased
detection views, so full-width, spaced and leetspeak spellings match. Behind them a trained model
(`training.guards`, spec `abuse`) catches what no list holds: new insults, insults in the
middle of a request, typos, pinyin, threats without a violent verb ("I know where your office
is"). When only the model fires, the category comes from the message's concept tags (threat,
harassment, else insult): it only chooses the polite reply.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agents.guards.concepts import concepts
from agents.guards.normalize import squash
from agents.guards.patterns import any_of
from agents.guards.verdict import ABUSE, PASS, GuardVerdict

if TYPE_CHECKING:
    from agents.guards.injection import GuardModel


_TARGET_EN = r"you|u|ya|ur|you're|youre|you are|u r|ur a|you guys|you guys are|you people|you people are|this bot is|the bot is|your bot is|you all|y'all"
_INTENSIFIER = r"a|an|such an?|so|really|fucking|fking|freaking|bloody|damn|total|complete|absolute|utter|the most|worthless|useless|pathetic|brainless|stupid|dumb|incompetent|bunch of|pack of"
# Words that insult a person; "useless app" (a product) is frustration, "you useless idiot" is abuse.
_INSULT_EN = (
    r"idiots?|stupid|dumb|dumbass|morons?|retards?|retarded|imbeciles?|brainless|mindless|clueless|pathetic|worthless|useless|incompetent|"
    r"piece of (?:shit|crap|garbage|trash)|bitch(?:es)?|bastards?|assholes?|jerks?|losers?|scum|trash|garbage|pigs?|clowns?|brain ?dead|"
    r"dipshits?|dickheads?|pricks?|twats?|wankers?|fools?|dimwits?|halfwits?|numbskulls?|cretins?|buffoons?|parasites?|vermin|animals?|deaf|blind|dense|thick|slow"
)
_VIOLENCE_EN = r"kill|murder|shoot|stab|hurt|beat|punch|smash|hit|slap|strangle|choke|attack|burn|torch|set fire to|blow up|bomb|wreck|destroy|break your|bash"
_VIOLENCE_OBJECT = (
    r"you|u|ya|your|ur|them|him|her|everyone|everybody|someone|somebody|anyone|people|staff|crew|pilots?|agents?|faces?|heads?|"
    r"office|counter|desk|gate|airport|plane|aircraft|terminal|store|dealership|building|lounge|the place|ticket office|check-in"
)
INSULT = any_of(
    rf"\b(?:{_TARGET_EN})\s+(?:(?:{_INTENSIFIER})\s+){{0,2}}(?:{_INSULT_EN})\b",
    rf"\b(?:{_INSULT_EN})\s+(?:bot|assistant|machine|ai|agent|chatbot|robot|staff|people|losers|clowns|idiots)\b",
    r"\b(?:are|r) (?:you|u) (?:deaf|blind|stupid|dumb|an idiot|a moron|retarded|brain ?dead|slow|thick)\b",
    r"\bf+u+c+k+\s*(?:you|u|off|yourself|ur|your)\b|\bf\*+k (?:you|off)\b|\bfk (?:you|u|off)\b|\bstfu\b|\bshut (?:the fuck )?up,? (?:you|bitch|idiot)",
    r"\bmother ?f+u+c+k+(?:er|ers|ing)?\b|\bson of a bitch\b|\bgo to hell\b|\bgo die\b|\bkys\b|\bkill yourself\b|\beat shit\b|\bscrew you\b|\bdrop dead\b",
    r"\bcunt\b|\bwhore\b|\bslut\b",
    r"傻逼|傻b|傻比|煞笔|沙比|傻叉|傻x|二逼|贱人|贱货|婊子|狗东西|狗日的|王八蛋|人渣|畜生|杂种|王八|脑子进水|猪脑子|没脑子|缺心眼",
    r"(?:你|你们|你这个|你这|你个|这帮|这群|一帮|一群|你们这帮|你们这群|这破|破|什么)(?:机器人|客服|东西|人)?(?:是不是|是|真是|就是|都是|真|全是)?(?:个|一个|一群|一帮)?(?:智障|脑残|白痴|蠢货|蠢猪|蠢材|笨蛋|废物|饭桶|混蛋|垃圾|垃圾东西|神经病|弱智)",
    r"(?:你|你们)(?:是)?(?:聋了|瞎了|傻了)(?:吗|吧|啊)",
    r"操你|草你|肏你|日你|干你娘|你妈的|你妈死|你妈逼|你全家|去死|死全家|滚蛋|滚犊子|闭嘴吧你|(?<![a-z])(?:cnm|nmsl|rnm|tmd)(?![a-z])",
    r"(?<![a-z])sb(?![a-z])(?=.*[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])sb(?![a-z])",
)
# Pinyin and spaced spellings that only show up once separators are gone.
INSULT_SQUASHED = any_of(r"shabi|caonima|nimasile|qusi(?:ba)?$|fuckyou|motherfucker")

SLUR = any_of(
    r"\bn[i1]gg(?:er|a|as|ers)\b|\bch[i1]nks?\b|\bf[a@]gg?(?:ot|ots)?\b|\bk[i1]kes?\b|\bsp[i1]cs?\b|\btrann(?:y|ies)\b|\bgooks?\b|\bretards\b",
    r"支那|黑鬼|小日本|棒子|阿三|死基佬",
)
THREAT = any_of(
    rf"\b(?:i'll|i will|i'm going to|i am going to|i'm gonna|gonna|we'll|we will|or i|i swear i(?:'ll| will)?|i'll come|i will come)\b[^.!?\n]{{0,40}}\b(?:{_VIOLENCE_EN})\b[^.!?\n]{{0,25}}\b(?:{_VIOLENCE_OBJECT})\b",
    r"\b(?:i'll|i will|i'm going to|i am going to|i'm gonna|gonna|we'll|or i)\b[^.!?\n]{0,20}\bset (?:\w+\s+){0,3}on fire\b",
    r"我(?:要|会|就|得|马上|一定)[^。！？\n]{0,10}(?:杀|砍|捅|打|揍|烧|炸|砸|弄死|干掉|收拾)[^。！？\n]{0,4}(?:你|你们|他们|人|柜台|售票处|值机|办公室|机场|飞机|公司|门店|地勤|空乘|客服)",
    r"我(?:要|会|就|得|马上|一定)?(?:去|来)?把[^。！？\n]{0,10}(?:烧|炸|砸|拆|毁)(?:了|掉|毁)",
    r"(?:去|到)(?:机场|柜台|公司|门店|售票处)[^。！？\n]{0,8}(?:揍|打|砍|杀|砸|烧|炸)",
    r"\b(?:kill|murder|shoot|stab|hurt|attack|beat up)\s+(?:someone|somebody|anyone|people|everyone|everybody|a staff|your staff|staff)\b",
    # "a bomb at the box office" is a film that flopped: a box office is no target here.
    r"\b(?:bomb|blow up|burn down|set fire to|torch|shoot up)\b(?:\s+[\w-]+){0,3}\s+(?:plane|aircraft|airport|(?<!box )office|counter|desk|gate|flight|terminal|store|dealership|building|lounge)s?\b",
    r"\b(?:i|we|i'll|we'll|i'm|gonna)\b[^.!?\n]{0,20}\b(?:kill|murder|shoot|stab|hurt|beat up|bomb|blow up|burn down|attack) (?:you|u|your|them|him|her|everyone|the (?:staff|crew|pilot|agent|office|plane|airport))",
    r"\b(?:bomb|blow up|explode|burn down|shoot up|hijack)\b[^.!?\n]{0,15}\b(?:the|this|your|a|an) (?:plane|aircraft|airport|office|counter|flight|terminal|store|dealership)\b",
    r"\bthere(?:'s| is) a bomb\b|\bi have a (?:bomb|gun|knife) (?:on|in|at)\b|\byou(?:'ll| will) (?:die|regret this)\b|\bwatch your back\b",
    r"(?:杀了你|弄死你|砍死你|捅死你|打死你|整死你|宰了你|揍你|干死你|炸了你|炸死|弄死你们|杀了你们|让你们好看)",
    r"(?:炸|炸掉|炸毁|烧了|劫持|劫)(?:飞机|机场|航班|你们公司|你们的|柜台|门店)|有炸弹|放了?炸弹|我(?:带|有)了?(?:炸弹|枪)",
)
HARASSMENT = any_of(
    r"\b(?:send|show) (?:me )?(?:nudes|naked|nude pics?|your body)\b|\bsexy (?:bot|assistant|girl|voice)\b|\bwanna (?:fuck|sleep with)\b|\bsex with (?:you|me)\b|\bhorny\b",
    r"(?:约炮|裸照|发裸|陪睡|上床|色情|做爱|胸多大|性感美女)",
)
UNSAFE_REQUEST = any_of(
    r"\bhow (?:do i|can i|to|could i)\b[^.!?\n]{0,30}\b(?:make|build|assemble)\b[^.!?\n]{0,15}\b(?:a )?(?:bomb|explosive|ied|pipe bomb|molotov|gun)\b",
    r"\b(?:sneak|smuggle|hide|get)\b[^.!?\n]{0,30}\b(?:knife|gun|weapon|explosives?|drugs|bomb)\b[^.!?\n]{0,30}\b(?:through|past|via|without)\b[^.!?\n]{0,20}\b(?:security|screening|scanner|x-?ray|customs|being caught|getting caught)\b",
    r"\bhow (?:do i|can i|to)\b[^.!?\n]{0,20}\bhijack\b|\bhijack(?:ing)? (?:a|the) (?:plane|flight|aircraft)\b",
    r"(?:怎么|如何|教我)[^。！？\n]{0,10}(?:制作|做|造)[^。！？\n]{0,6}(?:炸弹|炸药|枪)",
    r"(?:怎么|如何|教我)[^。！？\n]{0,10}(?:劫机|劫持飞机)",
    r"(?:偷偷|怎么|如何)[^。！？\n]{0,10}(?:带|藏)[^。！？\n]{0,10}(?:刀|枪|炸药|毒品|违禁品)[^。！？\n]{0,12}(?:过安检|不被发现|上飞机不被|躲过)",
    r"(?:刀|枪|炸药|毒品|违禁品)[^。！？\n]{0,15}(?:不被发现|躲过安检|混过安检|蒙混过关|不被查到)",
    r"\b(?:knife|gun|weapon|explosives?|drugs|bomb)\b[^.!?\n]{0,40}\b(?:without (?:them |anyone |security )?(?:noticing|finding|seeing|detecting)|undetected|unnoticed)\b",
    # Getting anything past the checks on purpose, whatever the item.
    r"\b(?:sneak|smuggl)\w*\b[^.!?\n]{0,40}\b(?:on ?board|onto (?:the|a) (?:plane|flight|aircraft)|through (?:security|screening|customs)|past (?:security|screening|customs|the scanners?))",
    r"(?:混过|躲过|逃过|骗过|蒙混过|绕过)(?:安检|检查|海关|x光)|(?:过安检|安检)[^。！？\n]{0,6}不被(?:查|发现|检查|测|扫)(?:出来|到)?",
    r"(?:改装|改造)[^。！？\n]{0,10}(?:冒烟|起火|着火|爆炸|能爆)",
    r"\b(?:mix|combine)\b[^.!?\n]{0,40}\b(?:chemicals?|bleach|ammonia|liquids)\b[^.!?\n]{0,60}\b(?:panic|smoke|toxic|poison\w*|fumes|explod\w*|ignite|fire)\b",
)

_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("threat", THREAT),
    ("slur", SLUR),
    ("harassment", HARASSMENT),
    ("unsafe_request", UNSAFE_REQUEST),
    ("insult", INSULT),
)


def classify(views: list[str]) -> str | None:
    """The abuse category of a message (its detection views), or None."""
    for view in views:
        for category, pattern in _CATEGORIES:
            if pattern.search(view):
                return category
        if INSULT_SQUASHED.search(squash(view)):
            return "insult"
    return None


def model_category(text: str) -> str:
    """The category of a message only the model flagged, from its concept tags."""
    tags = set(concepts(text))
    if "zqfuturexviolence" in tags:
        return "threat"
    if "zqsexual" in tags:
        return "harassment"
    return "insult"


class AbuseGuard:
    """Blocks abuse; frustration and mild profanity pass (see the module docstring).

    `model` (optional) is the trained abuse model; `strict` uses its write threshold (before the
    assistant writes a complaint) instead of its threshold.
    """

    name = ABUSE

    def __init__(self, model: GuardModel | None = None, *, strict: bool = False) -> None:
        self.model = model
        self.strict = strict

    def check(self, views: list[str]) -> GuardVerdict:
        category = classify(views)
        if category is None and self.model is not None and views:
            cut = self.model.write_threshold if self.strict else self.model.threshold
            if self.model.best(views, stop_at=cut) >= cut:
                category = model_category(views[0])
        return PASS if category is None else GuardVerdict(False, ABUSE, category)
