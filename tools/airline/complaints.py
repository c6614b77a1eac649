"""Complaints: the text a complaint may have, its fingerprint, its category (given or classified)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal, get_args

from switchboard.errors import InputError
from switchboard.privacy import mask_text

ComplaintCategory = Literal["delay", "baggage", "refund", "staff", "service", "seat", "food", "cleanliness", "booking", "other"]  # fmt: skip
COMPLAINT_CATEGORIES: tuple[str, ...] = get_args(ComplaintCategory)
MAX_COMPLAINT_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def complaint_text(value: object) -> str:
    """The text as stored: checked, and personal data masked (a full card number is never kept)."""
    if not isinstance(value, str):
        raise InputError(f"complaint text must be a string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InputError("complaint text is empty")
    if len(text) > MAX_COMPLAINT_CHARS:
        raise InputError(f"complaint text is longer than {MAX_COMPLAINT_CHARS} characters")
    if _CONTROL.search(text):
        raise InputError("complaint text contains control characters (binary data?)")
    return mask_text(text)


def fingerprint(text: str) -> str:
    """What makes two complaints 'the same text': case, width and spacing do not count."""
    canonical = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Scored by number of hits; ties go to the earlier category (the specific before the generic:
# "服务员态度差" hits staff twice and service once).
# fmt: off
_COMPLAINT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "delay": (
        "延误", "晚点", "延迟", "推迟", "误点", "航班取消", "误机", "没赶上",
        r"\bdelay\w*", r"\blate\b", r"\bpostpone\w*", r"\bmissed (?:my )?connection",
        r"\bflight (?:was )?cancel\w*",
    ),
    "baggage": (
        "行李", "托运", "箱子", "拉杆箱",
        r"\bbaggage\b", r"\bluggage\b", r"\bsuitcase\w*", r"\bbags?\b",
    ),
    "refund": (
        "退款", "退票", "退钱", "赔偿", "补偿",
        r"\brefund\w*", r"\breimburs\w*", r"\bmoney back\b", r"\bcompensat\w*", r"\bchargeback\b",
    ),
    "staff": (
        "态度", "空乘", "空姐", "乘务", "服务员", "地勤", "工作人员", "机组", "无礼", "粗鲁", "骂",
        r"\brude\w*", r"\bstaff\b", r"\bcrew\b", r"\battendants?\b", r"\bemployees?\b",
        r"\bimpolite\b", r"\bunprofessional\b", r"\bagents?\b", r"\battitude\b",
    ),
    "cleanliness": (
        "脏", "不干净", "卫生", "异味", "臭", "厕所", "洗手间", "蟑螂",
        r"\bdirty\b", r"\bfilthy\b", r"\bunclean\w*", r"\bclean\w*", r"\bsmell\w*", r"\bstink\w*",
        r"\bhygien\w*", r"\btoilets?\b", r"\blavator\w*", r"\bcockroach\w*",
    ),
    "food": (
        "餐", "饭", "食物", "饮料", "零食", "吃的",
        r"\bfood\b", r"\bmeals?\b", r"\bdrinks?\b", r"\bsnacks?\b", r"\bbeverages?\b",
    ),
    "seat": (
        "座位", "座椅", "位子", "腿部空间", "靠背", "选座",
        r"\bseats?\b", r"\blegroom\b", r"\brecline\w*",
    ),
    "booking": (
        "预订", "预定", "订票", "改签", "确认号", "出票", "订单", "值机",
        r"\bbook(?:ing|ed)?\b", r"\breservations?\b", r"\btickets?\b", r"\bcheck-?in\b",
        r"\bconfirmation\b",
    ),
    "service": (
        "服务", "体验", "客服", "差劲", "太差",
        r"\bservice\b", r"\bexperience\b", r"\bsupport\b", r"\bhelpdesk\b",
    ),
}
# fmt: on
_COMPLAINT_PATTERNS = {
    category: re.compile("|".join(words)) for category, words in _COMPLAINT_KEYWORDS.items()
}


def classify_complaint(text: str) -> str:
    """The category of a complaint from Chinese and English keywords; 'other' when nothing fits."""
    if not isinstance(text, str):
        raise InputError(f"complaint text must be a string, got {type(text).__name__}")
    folded = unicodedata.normalize("NFKC", text).casefold()
    best, best_hits = "other", 0
    for category, pattern in _COMPLAINT_PATTERNS.items():
        hits = len(pattern.findall(folded))
        if hits > best_hits:  # strict: an earlier category keeps a tie
            best, best_hits = category, hits
    return best


def normalize_complaint_category(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"complaint category must be a string, got {type(value).__name__}")
    category = value.strip().lower()
    if category not in COMPLAINT_CATEGORIES:
        raise InputError(f"unknown complaint category {value[:40]!r}")
    return category
