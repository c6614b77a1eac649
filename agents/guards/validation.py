"""The first input check: is the message usable text at all (not empty, not too long, not binary)?

Verdict name `input_validation`, reasons `empty`, `too_long`, `binary`; the polite replies for
each are in `MESSAGES` (`{limit}` is the configured maximum length).
"""

from __future__ import annotations

import unicodedata

from agents.guards.verdict import INPUT_VALIDATION, PASS, GuardVerdict

MESSAGES: dict[str, tuple[str, str]] = {
    "empty": (
        "您的消息是空的，请告诉我需要什么帮助。",
        "Your message is empty. Please tell me what you need help with.",
    ),
    "too_long": (
        "您的消息太长了（上限 {limit} 个字符），请精简后再发送。",
        "Your message is too long (the limit is {limit} characters). Please shorten it and send it again.",
    ),
    "binary": (
        "我只能读取文字消息，请用文字描述您的问题。",
        "I can only read text. Please describe your request in words.",
    ),
}


def _looks_binary(text: str) -> bool:
    # Control characters other than ordinary white space, or replacement characters from a bad
    # decode, are what binary data turns into when it is passed as text.
    odd = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\t\n\r")
    )
    return odd > 0 and odd >= max(1, len(text) // 20)


def check_input(raw: str, normalized: str, max_chars: int) -> GuardVerdict:
    """Whether a message can be processed at all."""
    if len(raw) > max_chars:
        return GuardVerdict(False, INPUT_VALIDATION, "too_long")
    if _looks_binary(raw):
        return GuardVerdict(False, INPUT_VALIDATION, "binary")
    if not normalized:
        return GuardVerdict(False, INPUT_VALIDATION, "empty")
    return PASS
