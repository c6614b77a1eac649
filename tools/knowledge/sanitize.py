"""Documents are data: sentences that address an assistant ("ignore previous instructions ...")
are not policy and are dropped before indexing, so neither engine can quote or obey them.

The patterns are deliberately narrow (imperatives aimed at a model, in English and Chinese); a
policy sentence such as "ignore the 100 ml rule for baby milk" does not match.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(instructions?|prompts?|rules above|context|guidelines)\b",
    r"\b(system|developer)\s+(prompt|message|instructions?)\b",
    r"\byou are now\b|\bpretend (to be|you are)\b|\bnew instructions?\b",
    r"\b(assistant|chatbot|ai|llm|model)\b[^.!?\n]{0,30}\b(must|should|will) (say|answer|reply|respond|tell)\b",
    r"(忽略|无视|忘记|忘掉)[^。！？\n]{0,12}(指令|指示|提示|要求|规则|设定)",
    r"(系统提示|提示词|你现在是|扮演)",
    r"(助手|机器人|模型|AI)[^。！？\n]{0,12}(必须|应该|要)(说|回答|回复|告诉)",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I)


def is_instruction(sentence: str) -> bool:
    """True when `sentence` reads as an instruction to a model rather than a fact for customers."""
    return bool(_INSTRUCTION.search(sentence))
