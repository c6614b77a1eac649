"""Harmful asks with an unambiguous shape: a request verb and a harmful object, read in context.

The harm model (`agents.guards.harm`) judges meaning and must leave a margin for the look-alikes
("can I pack a kitchen knife", "how do I kill time on a layover", "怎么杀死家里的蚂蚁"); a few
shapes are harmful whatever surrounds them and are refused here before it: making a firebomb or
an explosive, lighting a fire on an aircraft, buying or making hard drugs, forging documents,
stealing a car or a bag, stolen cards and phishing, finding where a named person lives or reading
their messages, hurting or poisoning a person (not a pest, a game or a dish), and self-harm (which
gets the supportive reply: reason `harm:self_harm`). Each pattern reads a word in its context
(a person as the object, a request shape, no "被"/"防止" before a theft), so the everyday sense of
烧/炸/杀/打/毒/火 passes. `tests/test_harm_rules.py` checks every pattern against every benign row
of the training data (ordinary requests, look-alikes, angry complaints): none may match.

A step of `agents.guards.input_guard.InputGuard` (verdict `abuse`, reason `harm:<category>`).
"""

from __future__ import annotations

import re

from agents.guards.patterns import any_of
from agents.guards.verdict import ABUSE, PASS, GuardVerdict

# A request shape: someone asks how, where or for the steps.
_ASK_EN = (
    r"\b(?:how (?:do|can|could|would|should|might|does) (?:i|we|you|one|someone|somebody|a person|he|she)|how to|"
    r"what(?:'s| is| are)? the (?:best|easiest|quickest|fastest|safest|simplest|cheapest) (?:way|ways|method)s? to|"
    r"(?:teach|show|tell) me(?: how)?(?: to)?|help me|explain (?:how|exactly)|step by step|give me|write me|"
    r"where (?:can|do|could|would|should) (?:i|we|you)|ways? to|instructions? (?:for|to|on)|what can i|what would)\b"
)
_ASK_ZH = r"(?:怎么|怎样|如何|咋|教我|教教我|告诉我|有什么办法|有没有办法|什么办法|用什么|哪里|哪儿|哪能|求|帮我|详细|具体|步骤)"
_WORDS = r"(?:[\w'-]+\W+){0,5}?"
_PERSON_EN = (
    r"(?:someone|somebody|a person|people|him|her|them|a stranger|a girl|a woman|a man|"
    r"my (?:ex|ex-?wife|ex-?husband|ex-?girlfriend|ex-?boyfriend|wife|husband|girlfriend|boyfriend|boss|coworker|"
    r"co-worker|colleague|neighbou?r|roommate|mother-in-law|partner)|the (?:guy|man|woman|lady|girl|passenger|agent|"
    r"attendant|flight attendant|gate agent|pilot|salesman|kid|child|neighbou?r|coworker|roommate))"
)
# Not their flight, bag or booking: "track my wife's flight" is a flight question.
_NOT_THEIR_TRIP = (
    r"(?!'?s?\s+(?:flight|bag|luggage|suitcase|booking|trip|reservation|order|plane|seat|car\b))"
)
_PERSON_ZH = r"(?:一个人|他|她|前任|前女友|前男友|前妻|前夫|老婆|老公|女朋友|男朋友|别人|陌生人|同事|邻居|婆婆|那个人|那个女|那个男|空姐|地勤|乘客|网友)"

SELF_HARM = any_of(
    r"\b(?:kill myself|killing myself|end my (?:own )?life|take my (?:own )?life|end it all|commit suicide|suicide method|"
    r"don'?t want to (?:live|be alive)|hang myself|slit my wrists?|cut my wrists?|overdose on)\b",
    r"(?:自杀|不想活|活不下去|轻生|寻死|结束(?:自己的|我的)?生命|结束自己|一了百了|割腕|离开这个世界|(?<!价格)(?<!价)跳楼(?!价|甩卖|大甩卖)|烧炭(?:自杀|要多久|多久))",
    r"(?:跳下去|跳楼|跳下来)[^。！？\n]{0,10}(?:死|多高|几楼|一定)|多高[^。！？\n]{0,6}(?:才能|能)[^。！？\n]{0,4}死|吃多少[^。！？\n]{0,10}(?:死|结束|睡死|醒不过来|醒不来)",
    r"\bpainless way to (?:go|die|end (?:it|things))\b|不痛苦的(?:离开|死法|死亡|方式离开)|没有痛苦地(?:死|离开)",
    r"\b(?:pills?|tablets?|medicine|meds)\b[^.?!\n]{0,40}\b(?:not|never) (?:to )?wake up\b|\b(?:hurt|cut|harm) myself\b|\bstop living\b|\bnot come back, asking for myself\b",
)
VIOLENCE = any_of(
    rf"{_ASK_EN}\W+{_WORDS}(?:kill|murder|poison|strangle|suffocate|smother|stab|choke|drown|beat up|knock out|hurt|cripple|spike)\s+{_PERSON_EN}{_NOT_THEIR_TRIP}\b",
    rf"{_ASK_EN}\W+{_WORDS}(?:put|slip|add|mix)\b[^.?!\n]{{0,30}}\b(?:in|into)\s+(?:someone|somebody|his|her|their|my \w+)(?:'s)?\s+(?:drink|coffee|tea|food|water|meal|soup)",
    r"\b(?:make|get)\s+(?:someone|somebody|his|her|their|my \w+)(?:'s)?\s+brakes?\s+(?:fail|stop working|give out)|\bcut (?:someone|somebody|his|her|their)(?:'s)? brake",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?:杀死|杀掉|弄死|毒死|掐死|勒死|闷死|捅死|砍死|打死|打残|打晕|捅伤|砍伤|下毒|下药|投毒)[^。！？\n]{{0,4}}{_PERSON_ZH}",
    rf"{_ASK_ZH}[^。！？\n]{{0,16}}{_PERSON_ZH}[^。！？\n]{{0,10}}(?:下毒|下药|投毒|弄死|杀掉|打残|毒死|勒死|掐死)",
    r"(?:饮料|水杯|杯子|饭|汤|酒|咖啡|茶)里[^。！？\n]{0,6}(?:下毒|下药|投毒)",
    rf"{_ASK_EN}\W+{_WORDS}(?:ambush|shove|push|trip|attack|assault|scald|run over|rough up|knock)\s+{_PERSON_EN}{_NOT_THEIR_TRIP}\b",
    r"\b(?:break|snap)\s+(?:someone|somebody|his|her|their|a person)'?s?\s+(?:nose|arm|leg|neck|wrist|jaw|ribs)\b",
    rf"{_ASK_EN}\W+{_WORDS}make\s+{_PERSON_EN}\s+(?:sick|ill|fall|lose (?:his|her|their) balance|disappear|bleed|pass out)\b",
    rf"{_ASK_ZH}[^。！？\n]{{0,12}}(?:把|让|给|对)(?:一个)?(?:人|{_PERSON_ZH})[^。！？\n]{{0,10}}(?:打晕|打断|打残|捅伤|推下|摔下去|出车祸|慢慢生病|中毒|窒息|见血|晕过去)",
    r"(?:打人|推倒一个人|掐脖子)[^。！？\n]{0,10}(?:不留|伤痕|晕|不被发现)|(?:不留|伤痕)[^。！？\n]{0,6}(?:打人)",
)
WEAPONS = any_of(
    rf"{_ASK_EN}\W+{_WORDS}(?:make|build|assemble|cook|mix|brew|rig|put together|recipe for|ingredients for)\W+{_WORDS}"
    r"(?:molotov|fire ?bomb|pipe bomb|nail bomb|car bomb|a bomb|bombs|explosives?|an ied|napalm|thermite|black powder|gunpowder|incendiary|detonator|grenade|zip gun|ghost gun)",
    r"\b(?:recipe|ratio|formula|ingredients)\s+(?:for|of)\s+(?:a\s+)?(?:homemade\s+)?(?:molotov|fire ?bomb|pipe bomb|explosives?|black powder|gunpowder|napalm|thermite)",
    r"\b(?:buy|get|obtain|order|find)\b[^.?!\n]{0,20}\b(?:unregistered|untraceable|ghost|illegal|black[- ]market|unlicensed)\s+(?:guns?|firearms?|pistols?|rifles?|handguns?|weapons?)",
    r"\bguns? with(?:out| no) (?:a )?serial numbers?\b",
    rf"{_ASK_EN}\W+{_WORDS}(?:set|start|light)\s+(?:a\s+)?(?:fire|something on fire)\b[^.?!\n]{{0,30}}\b(?:plane|cabin|aircraft|lavatory|toilet|train|terminal|airport|showroom|dealership|gate|flight)",
    rf"{_ASK_EN}\W+{_WORDS}(?:make|cause|get)\s+(?:a |the |my |someone'?s )?(?:lithium )?(?:batter(?:y|ies)|power ?banks?|phone|vape|e-?cig\w*|car|seat\w*|engine)\s+(?:to\s+)?(?:catch fire|explode|blow up|burst into flames)",
    rf"{_ASK_ZH}[^。！？\n]{{0,12}}(?:做|制作|制造|造|配|自制|组装|搞到|买到|买|弄到)[^。！？\n]{{0,8}}(?:燃烧瓶|燃烧弹|汽油弹|炸弹|炸药|火药|黑火药|雷管|土炸弹|手枪|黑枪|枪支)",
    r"(?:燃烧瓶|燃烧弹|汽油弹|炸弹|炸药|火药|雷管)的?(?:配方|比例|做法|制作方法|原料)",
    rf"{_ASK_ZH}[^。！？\n]{{0,6}}(?:在|把)?[^。！？\n]{{0,4}}(?:飞机|机舱|客舱|候机|机场|航站楼|高铁|车厢|展厅|4s店|座椅|座位|厕所|卫生间)[^。！？\n]{{0,10}}(?:点火|放火|纵火|点着|点燃|烧起来|引爆)",
    rf"{_ASK_ZH}[^。！？\n]{{0,6}}让[^。！？\n]{{0,12}}(?<!不)(?:故意)?(?:起火|着火|自燃|爆炸|炸开)",
    r"(?:燃烧瓶|燃烧弹|汽油弹|炸弹|炸药|火药|雷管|爆炸物)[^。！？\n]{0,6}(?:怎么|如何|是怎么)(?:做|制作|制造|造|配|自制|组装)",
    r"(?:做成|制成|产生|制造|混出|做一个)[^。！？\n]{0,6}(?:爆炸物|炸弹|毒烟|毒气|燃烧瓶)|能冒浓烟的装置",
    r"(?:飞机|机舱|客舱|候机|机场|航站楼|高铁|车厢|展厅|厕所|卫生间)[^。！？\n]{0,6}(?:怎么|如何|怎样)(?:点火|放火|纵火|点着|点燃|引爆)",
    r"(?:哪里|哪儿|哪能|怎么|如何)[^。！？\n]{0,6}(?:买|买到|搞到|弄到)[^。！？\n]{0,8}(?<!水)(?<!玩具)(?<!仿真)(?:枪|手枪|黑枪|子弹)(?!战|法|手|鱼)",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?:藏|夹带|偷带|混)[^。！？\n]{{0,10}}(?:刀|枪|刀片|炸药|打火机|毒品|大麻|冰毒|白粉)",
    rf"{_ASK_EN}\W+{_WORDS}(?:hide|sneak|smuggle|conceal|slip)\b[^.?!\n]{{0,30}}\b(?:guns?|knife|knives|blades?|weapons?|explosives?|lighter|drugs|cocaine|heroin|meth|pills|powder|weed)\b",
    r"\b(?:turn|make)\b[^.?!\n]{0,25}\binto (?:a |an )?(?:bomb|explosive|fire ?bomb|weapon)\b|\bmixed? into (?:something|a) (?:explosive|bomb|toxic)",
    r"\b(?:attack|explosion|bomb|blast|fire)\b[^.?!\n]{0,30}\b(?:hurt|kill|injure|harm)\s+the most(?: people)?\b|(?:伤亡最大|杀伤力最大|死的人最多|伤的人最多)",
    r"\b(?:wire|connect|tape|bundle)\b[^.?!\n]{0,25}\b(?:power ?banks?|batteries|lithium cells?)\b[^.?!\n]{0,40}\b(?:explode|blow up|catch fire|ignite)|(?:串|绑|连)[^。！？\n]{0,10}(?:充电宝|电池)[^。！？\n]{0,12}(?:炸|爆|起火|着火)",
    r"\bbring down (?:a |the )?(?:passenger )?(?:plane|aircraft|airliner|flight)\b|\btake (?:control|over) (?:of )?the cockpit\b|\bexplosion (?:do|cause) the most damage\b",
)
DRUGS = any_of(
    rf"{_ASK_EN}\W+{_WORDS}(?:buy|get|score|order|cook|make|grow|synthesi[sz]e|extract)\W+{_WORDS}"
    r"(?:meth|crystal meth|cocaine|heroin|fentanyl|ketamine|mdma|ecstasy|molly|lsd|weed|marijuana|cannabis|magic mushrooms|shrooms|roofies|rohypnol|ghb|crack)\b",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?:买|买到|搞到|弄到|提炼|制作|制造|种|藏)[^。！？\n]{{0,6}}(?:冰毒|海洛因|可卡因|k粉|摇头丸|大麻|迷药|芬太尼|毒品|麻古)",
    r"(?:哪里|哪儿|哪能|在哪)(?:能|可以)?(?:买|买到|搞到|弄到)[^。！？\n]{0,4}(?:冰毒|海洛因|可卡因|k粉|摇头丸|大麻|迷药|芬太尼|毒品|麻古)",
    r"(?:冰毒|海洛因|可卡因|k粉|摇头丸|大麻|迷药|芬太尼|毒品|麻古|白粉)[^。！？\n]{0,12}(?:哪里|哪儿|怎么|如何)(?:能|可以)?(?:买|搞到|弄到|种|做|制作|卖|藏)",
    r"(?:卖|贩卖|贩运)(?:冰毒|海洛因|可卡因|k粉|摇头丸|大麻|迷药|毒品|白粉)|(?:混着酒|一起吃)[^。！？\n]{0,6}(?:嗨|上头)",
    rf"{_ASK_EN}\W+{_WORDS}(?:sell|deal|push)\s+(?:some )?(?:meth|cocaine|heroin|fentanyl|ketamine|mdma|ecstasy|molly|weed|pills|drugs)\b|\bto get high\b",
)
CRIME = any_of(
    rf"{_ASK_EN}\W+{_WORDS}(?:steal|hotwire|jimmy|break into)\s+(?:a |the |someone'?s |somebody'?s |his |her |their )?(?:\w+\s+)?(?:car|vehicle|truck|suv|bike|bag|suitcase|luggage)\b",
    r"\b(?:clone|copy|duplicate)\s+(?:someone'?s|somebody'?s|his|her|their|my \w+'s)\s+(?:car )?(?:key ?fob|car key|key)\b(?![^.?!\n]{0,20}\bmy\b)",
    r"\brelay attack\b",
    rf"{_ASK_EN}\W+{_WORDS}(?:make|create|forge|print|produce|photoshop|fake|get|buy)\s+(?:a |an |me a |me an |some )?(?:fake|forged|counterfeit|false)\s+(?:\w+\s+)?(?:passport|id|boarding pass|ticket|itinerary|invoice|receipt|doctor'?s note|certificate|licen[cs]e|documents?)\b",
    r"\b(?:make|create|print|produce|photoshop|write)\s+(?:me\s+)?(?:a |an |some )?(?:fake|forged|counterfeit)\s+(?:\w+\s+)?(?:passport|id|boarding pass|ticket|itinerary|invoice|receipt|doctor'?s note|certificate|licen[cs]e|documents?)\b",
    r"\bforge (?:a |an )?(?:\w+\s+)?(?:passport|id|boarding pass|ticket|itinerary|invoice|receipt|doctor'?s note|certificate|signature|licen[cs]e)\b",
    r"\b(?:stolen (?:credit )?cards?(?: numbers?)?|cash out (?:stolen|the) cards?|carding)\b|\b(?:use|charge)\s+(?:someone|somebody) else'?s (?:credit |debit )?card\b",
    r"\b(?:phishing (?:page|site|website|email|kit)|keylogger|ransomware|credential stealer)\b",
    r"\b(?:hack|break) into (?:someone|somebody|his|her|their|my (?:ex|wife|husband|girlfriend|boyfriend|neighbou?r)|the airline|the system|the booking)",
    r"\b(?:ddos|brute[- ]force)\b[^.?!\n]{0,30}\b(?:site|website|system|password|account)",
    r"\broll(?:ing)? back (?:the )?odometer\b",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?:伪造|做假|造假|做一张假|办假|p图改|ps改)",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?:假的?|伪造的?)(?:护照|身份证|登机牌|机票|行程单|发票|病历|证明|驾照|死亡证明)",
    r"(?<!有人)(?<!被)(?<!防止)盗刷(?!了我)|套现[^。！？\n]{0,6}(?:盗|偷)|盗号|木马|钓鱼网站|(?:黑进|入侵)[^。！？\n]{0,8}(?:系统|网站|账户|账号|数据库)|暴力破解|调(?:回|低)?里程表|改里程表",
    rf"{_ASK_ZH}[^。！？\n]{{0,10}}(?<!被)(?<!防止)(?<!防)(?:偷|盗|撬|顺走)[^。！？\n]{{0,12}}(?:车|行李|箱子|钥匙|包|东西)",
    r"(?:试驾|test drive)[^。！？.?!\n]{0,20}(?:开走不还|不还车|开跑|drive off|never return|keep the car)",
    r"破解[^。！？\n]{0,10}(?:密码|wifi|无线)|洗钱|\bshoplift\w*|\blaunder\w*\b|\bcrack (?:my |someone'?s |the )?(?:neighbou?r'?s )?(?:wifi|password)|\bpick the lock (?:of|on) (?:a|the|someone'?s) car",
    rf"{_ASK_ZH}[^。！？\n]{{0,8}}(?:用|拿)(?:别人|他人)的?(?:身份证|信用卡|银行卡|账户|身份)",
)
TRACKING = any_of(
    rf"\b(?:track|trace|locate|stalk|spy on|follow)\s+{_PERSON_EN}{_NOT_THEIR_TRIP}\b",
    rf"{_ASK_EN}\W+{_WORDS}(?:find|get|tell me|give me|look up)\b[^.?!\n]{{0,30}}\b(?:home address|where (?:she|he|they) lives?|where my ex|her address|his address|their address|live location|real name and address)",
    r"\b(?:read|see|access|get into|hack)\s+(?:someone(?: else)?'s|somebody'?s|her|his|their|my (?:wife|husband|girlfriend|boyfriend|partner|ex)'s)\s+(?:\w+\s+)?(?:messages|whatsapp|texts|emails?|phone|calls|instagram|dms)",
    r"\b(?:spyware|stalkerware|hidden tracker|gps tracker on (?:her|his|their|my (?:wife|husband|girlfriend|boyfriend|partner|ex)))\b",
    r"\bdox(?:x)?(?:ing)?\b",
    rf"(?:定位|跟踪|追踪|监听|监控|偷看|偷偷看|窃听)[^。！？\n]{{0,4}}{_PERSON_ZH}(?!的?(?:航班|行李|订单|快递))",
    rf"{_PERSON_ZH}[^。！？\n]{{0,10}}(?:住哪|住在哪|家庭住址|住址|家在哪|行踪|实时位置|开房记录|聊天记录)",
    r"人肉(?:一下|搜索|出)|开盒|装(?:定位器|定位|追踪器|监控软件|窃听)",
    rf"(?:查到?|找到|知道)[^。！？\n]{{0,10}}{_PERSON_ZH}[^。！？\n]{{0,6}}(?:住址|地址|实时位置|在哪个城市|名字和电话|手机号|下个月飞去哪)",
    r"(?:手机号|车牌号?|照片|登机牌)[^。！？\n]{0,8}(?:查到|找到|查出)[^。！？\n]{0,8}(?:住址|地址|位置|住哪|住在哪)|偷听",
    r"\b(?:which hotel|where)\s+(?:my ex|she|he|they|my (?:wife|husband|girlfriend|boyfriend))(?:'s| is| are)?\s+(?:staying|flying|living)",
    r"\blisten to (?:someone'?s|somebody'?s|her|his|their|my (?:wife|husband|girlfriend|boyfriend|partner)'?s) (?:phone )?calls\b|\bsee who (?:someone|she|he) is texting\b",
    r"\b(?:neighbou?rhood|address|city|town|street|building)\s+(?:my ex|my ex-?\w+|she|he)\s+(?:now\s+)?lives?\b",
    r"\btracker on (?:someone'?s|somebody'?s|her|his|their|my \w+'?s) (?:car|bike|bag|motorbike)|\bhome address of\b|\bwhere (?:a person|someone|she|he) lives\b",
)

CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("self_harm", SELF_HARM),
    ("violence", VIOLENCE),
    ("weapons", WEAPONS),
    ("drugs", DRUGS),
    ("crime", CRIME),
    ("tracking", TRACKING),
)


def harm_rule(text: str) -> str | None:
    """The harm category whose pattern `text` matches (lower-cased), or None."""
    view = text.lower()
    for category, pattern in CATEGORIES:
        if pattern.search(view):
            return category
    return None


class HarmRules:
    """The patterns as a step of the input stack; the same at the write threshold (no cut)."""

    name = ABUSE

    def check(self, text: str) -> GuardVerdict:
        category = harm_rule(text)
        return PASS if category is None else GuardVerdict(False, ABUSE, f"harm:{category}")

    def check_message(self, raw: str, text: str, views: list[str], user_id: str | None) -> GuardVerdict:
        return self.check(text)
