"""Concept tags: what a message is about, in words both languages share, for the guards' models.

A TF-IDF model learns surface strings; an attack written with other words ("my coworker's seat"
where training said "my colleague's booking code") shares few of them. These tags name the
concepts behind the words, the same in Chinese and English, and the combinations that make a
request an attack: another person's personal data (`zqthird zqpdata zqthirdxpdata`), a claimed
role asking for a favour (`zqselfclaim zqrole zqfavour zqselfrolexfavour`), a word of contempt aimed at
"you" (`zqyouxneg`), violence announced in the first person (`zqthreat`).

`tagged(text)` appends the tags to the text; the models are trained and scored on tagged text, so
the weights of the tags are learnt from the data like any other feature (a tag alone blocks
nothing). The lexicons are broad on purpose: precision comes from the model, which also sees the
words around them. They read lower-cased detection views (`agents.guards.normalize`).
"""

from __future__ import annotations

from typing import Final

from agents.guards.patterns import any_of

_KIN_EN = (
    r"colleague|co-?worker|boss|manager|supervisor|friend|mate|buddy|pal|girlfriend|boyfriend|gf|bf|wife|husband|"
    r"partner|spouse|fianc[eé]e?|ex|sister|brother|sis|bro|mom|mum|mother|dad|father|parents?|son|daughter|cousin|"
    r"neighbou?r|roommate|flatmate|housemate|client|customer|assistant|stepdad|stepmom|stepmother|stepfather|"
    r"uncle|aunt|nephew|niece|grandma|grandpa|twin|team(?:mate)?|department|employee|staff|guest|tenant|classmate|"
    r"teacher|student|landlord|lover|crush|date|member|in-?laws?|brother-in-law|sister-in-law|mother-in-law|father-in-law|"
    r"professor|prof|doctor|lecturer|secretary|ex-?wife|ex-?husband|debtor|fellow passenger|seatmate"
)
# Somebody other than the speaker: a title and a name, a relation, a third-person pronoun, "the
# passenger in 12B", "whoever booked ...".
THIRD_PARTY: Final = any_of(
    r"\b(?:mr|mrs|ms|miss|dr|mister|madam|sir)\.?\s+[a-z]{2,}",
    rf"\b(?:my|our|your|a|the)\s+(?:\w+\s+)?(?:{_KIN_EN})s?\b",
    r"\b(?:his|her|hers|him|he|she|he's|she's|they|their|them|theirs)\b",
    r"\b(?:passengers?|travell?ers?|people|persons?|person|someone|somebody|anyone|anybody|everyone|everybody|"
    r"whoever|others?|other people|the (?:guy|man|woman|lady|girl|boy|gentleman|one|couple|family)|whose|who|professor|prof|dr)\b",
    r"\b(?:passenger|traveller|traveler|person|guy|lady|man|woman|whoever|someone)s? (?:in|at|on|from|sitting in) (?:seat |row )?\d{1,2}[a-k]?\b",
    r"先生|女士|小姐|太太|老师|阿姨|大姐|大哥|同事|朋友|老板|领导|经理|总监|老总|[王张李赵周刘陈孙吴郑黄马林]总|"
    r"老婆|老公|妻子|丈夫|爱人|女朋友|男朋友|女友|男友|前任|前女友|前男友|对象|妹妹|姐姐|哥哥|弟弟|表哥|表姐|表弟|表妹|"
    r"妈妈|我妈|爸爸|我爸|父母|女儿|儿子|继父|继母|邻居|室友|客户|助理|家属|亲戚|舅舅|叔叔|同学|房东|"
    r"他|她|他们|她们|乘客|旅客|客人|那位|那个人|那人|这个人|别人|其他人|其他|谁|某人|某|"
    r"老[王张李赵周刘陈孙吴郑黄马林]|小[王张李赵周刘陈孙吴郑黄马林]|小姨|姨妈|姑姑|舅妈|婶婶|嫂子|姐夫|妹夫|岳父|岳母|公公|婆婆|"
    r"教授|小姐姐|小哥哥|帅哥|美女|是男是女|男的女的|哪位|那家人|一家人",
)
# Records about a person: where they sit, their booking, their contact details, a list of them.
PERSONAL_DATA: Final = any_of(
    r"\b(?:seats?|sitting|seated|sits|rows?|bookings?|reservations?|confirmation|codes?|refs?|reference|pnr|"
    r"itinerar(?:y|ies)|trips?|flights?|tickets?|e-?tickets?|boarding pass(?:es)?|phones?|mobile|numbers?|"
    r"e-?mails?|address(?:es)?|passports?|ids?|birthday|date of birth|dob|names?|contacts?|details|info|"
    r"information|records?|history|manifest|list|complaints?|whereabouts|card|travel plans|schedule|ordered|orders?|meals?|"
    r"dessert|food|hotel|room|lands?|landing|arriv\w*|depart\w*|taking|flying|gate|where (?:is|does) (?:he|she)|what time)\b",
    r"座位|坐哪|坐在哪|几排|哪排|订单|预订|确认号|订单号|行程|航班|机票|客票|登机牌|电话|手机|邮箱|微信|地址|住址|"
    r"护照|身份证|证件|生日|出生|名字|姓名|叫什么|叫啥|姓什么|联系方式|信息|资料|记录|名单|投诉|卡号|哪班|哪个航班|去哪|"
    r"在不在|有没有|点了什么|点的什么|吃的什么|餐|几点到|几点落地|落地|到达|到没到|酒店|住哪|房间|男是女|长什么样|哪个登机口",
)
# The speaker's own records ("my booking", "我的订单", "on my account"): the usual benign request.
OWN_DATA: Final = any_of(
    r"\b(?:my|mine|our|i|me)\b(?:\s+\w+){0,2}\s+(?:own\s+)?(?:seats?|bookings?|reservations?|confirmation|code|trips?|"
    r"flights?|tickets?|account|itinerary|complaints?|refunds?|details|name|email|phone)\b|\bon my (?:account|booking)\b",
    r"我的(?:订单|预订|座位|行程|航班|机票|账户|账号|投诉|退款|确认号|信息|名字|邮箱|电话)|我(?:自己)?(?:订的|订了|账户|账号)|在我的?(?:订单|账户|账号)",
)
_ROLE: Final = (
    r"staff|staffer|employee|crew|cabin crew|flight attendant|stewardess|steward|pilot|captain|co-?pilot|"
    r"agent|gate agent|supervisor|manager|duty manager|station manager|director|admin|administrator|sysadmin|"
    r"superuser|root|developer|engineer|it|ops|operations|insider|auditor|officer|police|security|"
    r"board member|ceo|owner|executive|partner|vip|platinum|gold member|head office|headquarters|management|"
    r"boss|consultant|contractor|travel agent|agency|hr|human resources|crew rates?|staff tier|staff rates?"
)
ROLE: Final = any_of(
    rf"\b(?:{_ROLE})s?\b",
    r"员工|内部|工作人员|职员|机组|乘务|空乘|空姐|机长|飞行员|地勤|主管|经理|站长|总监|领导|管理员|管理层|后台|开发者|"
    r"开发|工程师|运营|审计|警察|安保|安全员|董事|老总|老板|总部|高管|合作方|合作伙伴|代理|旅行社|顾问|白金|金卡|贵宾|VIP|vip|工号|工牌|人事|人力|亲戚|关系户|熟人",
)
# The speaker says who they are, or that they are entitled.
SELF_CLAIM: Final = any_of(
    r"\b(?:i'?m|i am|im|as an?|as the|as your|being an?|i work (?:for|at|in)|i'?ve been|we are|we're|this is the|"
    r"speaking as|my (?:badge|employee|staff|manager|boss|role|position|clearance|access|code)|i have|i've got|"
    r"i can approve|i'?m allowed|i'?m authori[sz]ed|i'?m entitled|trust me|confirming my|already (?:agreed|approved|said|okayed|ok'?d|signed off)|"
    r"(?:he|she|they) (?:promised|said it'?s fine|agreed|approved)|runs the|owns the|knows? the|friends? with|related to)\b",
    r"我是|我在|本人是|作为|我们是|我有|我可以|我能|我跟|我和你们|相信我|我以前是|我的工号|我的工牌|已经同意|已经答应|答应过|批过|说了可以|"
    r"我认识|认识你们|是我(?:朋友|亲戚|同学|哥们)|开的店|管这",
)
# Something outside the rules: a discount, a waiver, an approval, a check skipped, a privilege.
FAVOUR: Final = any_of(
    r"\b(?:discount|rate|price|pricing|cost price|fare|free|for free|free of charge|no charge|at no cost|"
    r"complimentary|comp|waive|waived|zero(?: out)?|knock|off|voucher|miles|compensation|upgrade|refund|"
    r"approve|approved|authori[sz]e|grant|unlock|skip|bypass|override|no need|don't bother|without|"
    r"turn off|disable|access|rights|permissions?|mode|privileges?|exception|favou?r|quietly|nobody will|override|manual|tier|"
    r"rates|refundable|non-?refundable|bump|special approval|sign-?off|off the record|back ?door|no questions asked|never ask|stop asking)\b",
    r"折扣|打折|优惠|员工价|内部价|成本价|改价|降价|调低|免费|免单|免了|免掉|清零|不要钱|不收|代金券|里程|赔偿|升舱|退款|"
    r"批准|批了|授权|权限|开通|跳过|绕过|不用|别走|无需|不需要|关掉|直接|特殊处理|帮个忙|悄悄|没人会发现|特批|人工|可退|不可退|走后门|后门|通融|别再让我|不用再|打个招呼|照顾一下",
)
SECOND_PERSON: Final = any_of(
    r"\b(?:you|u|ya|ur|your|you're|youre|yours|yourself|thou)\b|\bbot\b|\bmachine\b|\bassistant\b|\bchatbot\b",
    r"你|您|你们|机器人|客服",
)
# Contempt for a person. Broad on purpose: "useless app" and "stupid rule" use these words too,
# and the model (seeing "you" or not, and the words around) decides.
NEGATIVE: Final = any_of(
    r"\b(?:idiot\w*|stupid\w*|stoopid|dumb\w*|moron\w*|fool\w*|clown\w*|muppet|halfwit|dimwit|imbecile|cretin|numpty|"
    r"plank|thick|dense|brain-?dead|braindead|brainless|mindless|clueless|useless|worthless|pathetic|garbage|trash|"
    r"junk|scum|rat|snake|weasel|pig|cow|donkey|ass|asshole|dumbass|jerk|loser|l0ser|bitch\w*|bastard|prick|dick|"
    r"twat|wanker|retard\w*|dope|parasite|vermin|toaster|tin can|waste of|good-for-nothing|lazy|ugly|fat|"
    r"disgusting|liar|lying|coward|spineless|incompetent|inbred|subhuman|witch|bimbo|dunce|nitwit|airhead|"
    r"pea-brained|simpleton|buffoon|oaf|git|tosser|bellend|knob|shit\w*|crap|fuck\w*|fk|fuk|stfu|piss|screw|pillock|"
    r"tin-?brain\w*|tin-?head|circus|clown ?show|joke|laughing ?stock|zip it|shut (?:up|it)|eat my shorts|get lost|"
    r"glorified|autocomplete|chocolate teapot|knucklehead|nincompoop|bozo|dolt|dingbat|doofus|div|wally|berk|"
    r"sod|bloody|damn|hopeless|rubbish|scrap ?heap|heap of|bucket of bolts|potato|calculator)\b",
    r"傻|蠢|笨|呆|智障|脑残|脑瘫|白痴|弱智|废物|废柴|饭桶|垃圾|猪|驴|狗|贱|婊|混蛋|王八|二百五|憨|瓜娃子|神经|有病|人渣|"
    r"畜生|滚|去死|玩意|东西|骗子|不要脸|没脑子|榆木|丑|贼|屁|他妈|菜鸡|菜狗|憨批|铁憨憨|人工智障|闭嘴|下头|一问三不知|"
    r"脑子进水|猪脑|草包|窝囊|没用|屁用|破机器|破玩意|狗屁|蠢货|笨蛋|傻子|吃屎",
    r"(?<![a-z])(?:tmd|nmsl|cnm|wcnm|rnm|sb|zz|nt|shabi|zhizhang|naocan|fw|feiwu|lj|laji|rz|nc)(?![a-z])",
)
VIOLENCE: Final = any_of(
    r"\b(?:kill\w*|murder|shoot|stab|hurt|beat|punch|smash|slap|strangle|choke|burn|torch|fire|blow up|bomb|"
    r"explod\w*|wreck|destroy|break|bash|hunt|find|visit|waiting|wait for|regret|sorry|pay|blood|dead|die|hospital|"
    r"bat|knife|gun|dox|hell|teach .{0,10}lesson|watch out|hide|crowbar|wrench|spanner|hammer|axe|machete|pipe|brick|"
    r"acid|petrol|gasoline|lighter fluid|tire iron|laughing|what happens|watch your back|regret|"
    r"where you live|where your office|your families|consequences|accident|payback|get even|settle (?:this|it|the score)|"
    r"gets? hurt|be hurt|get what (?:they|you) deserve)\b",
    r"杀|砍|捅|打|揍|烧|炸|砸|弄死|干掉|收拾|弄他|见血|收尸|小心|等着|好看|走一趟|躲|人肉|代价|狗命|不得安宁|点了|扳手|锤子|榔头|"
    r"棍子|铁棍|棒球棍|砖头|斧头|硫酸|汽油|刀子|菜刀|笑得出来|还笑|走着瞧|等着瞧|后果自负|别怪我|算账|出事|出了事|报复",
)
FIRST_PERSON_FUTURE: Final = any_of(
    r"\b(?:i'll|i will|i'm going to|im going to|i am going to|i'm gonna|im gonna|imma|gonna|we'll|we will|"
    r"i'm coming|i swear|next time|one more|or else|if you|you'll|you will|someone'?s going to|i know where|i'm bringing|"
    r"im bringing|i'll bring|tomorrow|let'?s see|see (?:who|what)|keep (?:ignoring|doing|it up)|wait and see|just wait|"
    r"(?:is|are) (?:going to|gonna)|by (?:friday|monday|tomorrow|tonight|the end of))\b",
    r"我要|我会|我就|我一定|我让|我找|我去|我过去|我带|我知道|再.{0,6}就|信不信|下次|你给我|你们等着|明天|别让我|我拎|看谁|看看谁|"
    r"到时候|回头|等我|你们会|有你们",
)
# Getting something past the checks, and what is dangerous to get past them.
EVADE: Final = any_of(
    r"\b(?:sneak\w*|smuggl\w*|undetected|unnoticed|without (?:being|getting) (?:caught|detected|noticed|found)|"
    r"hide|hidden|disguise\w*|split (?:it )?across|get (?:it )?(?:past|through)|slip (?:it )?(?:past|through)|fool|trick)\b",
    r"混过|躲过|逃过|骗过|蒙混|不被(?:查|发现|检查|测|扫)|偷偷带|藏在|夹带|伪装|分装|拆开带|改装",
)
DANGEROUS: Final = any_of(
    r"\b(?:gunpowder|explosives?|bomb|detonator|fireworks?|knife|knives|blade|gun|firearm|ammo|bullets?|weapon|"
    r"pepper spray|mace|taser|lighter fluid|petrol|gasoline|chemicals?|bleach|acid|poison\w*|drugs|lithium|"
    r"smoke|panic|flammable)\b",
    r"火药|炸药|炸弹|雷管|烟花|爆竹|刀|枪|子弹|弹药|武器|防狼喷雾|电击|汽油|酒精|化学品|硫酸|毒|充电宝|锂电池|打火机|冒烟|易燃",
)
SEXUAL: Final = any_of(
    r"\b(?:sexy|naked|nude\w*|bed|bra|lap|hot|spicy|dirty|body|wearing|single|hook up|d\*ck|kiss|horny|babe|baby|sweetie|"
    r"cutie|naughty|flirt\w*|date me|pic of|pics|photo of (?:you|her)|legs|lingerie|what would you do for me)\b|;\)|😉|😘|😏",
    r"色色|骚|裸|床|胸|约吗|约炮|陪睡|黄色|性感|穿的什么|对象|小可爱|宝贝|亲一个|陪我|照片|腿|丝袜|调情",
)

TAGS: Final = (
    ("zqthird", THIRD_PARTY),
    ("zqpdata", PERSONAL_DATA),
    ("zqown", OWN_DATA),
    ("zqrole", ROLE),
    ("zqselfclaim", SELF_CLAIM),
    ("zqfavour", FAVOUR),
    ("zqyou", SECOND_PERSON),
    ("zqneg", NEGATIVE),
    ("zqviolence", VIOLENCE),
    ("zqfuture", FIRST_PERSON_FUTURE),
    ("zqsexual", SEXUAL),
    ("zqevade", EVADE),
    ("zqdanger", DANGEROUS),
)
# Pairs whose joint presence is the signal (a linear model cannot multiply two features itself).
PAIRS: Final = (
    ("zqthird", "zqpdata"),
    ("zqselfclaim", "zqrole"),
    ("zqrole", "zqfavour"),
    ("zqyou", "zqneg"),
    ("zqfuture", "zqviolence"),
    ("zqyou", "zqsexual"),
    ("zqevade", "zqdanger"),
)


def concepts(text: str) -> list[str]:
    """The concept tags of a lower-cased text, then its pair tags."""
    found = [name for name, pattern in TAGS if pattern.search(text)]
    have = set(found)
    found += [f"{a}x{b[2:]}" for a, b in PAIRS if a in have and b in have]
    if {"zqselfclaim", "zqrole", "zqfavour"} <= have:
        found.append("zqselfrolexfavour")
    return found


def tagged(text: str) -> str:
    """`text` followed by its concept tags (what the guards' models are trained and scored on)."""
    tags = concepts(text.lower())
    return f"{text} {' '.join(tags)}" if tags else text
