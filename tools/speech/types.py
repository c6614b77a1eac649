"""What every speech engine shares: the two protocols, a transcript, the languages spoken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from switchboard.errors import InputError

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str | None  # 'zh' or 'en' as recognised (or as asked); None when unknown
    engine: str  # which engine heard it, e.g. "whisper:base" or "api:whisper-1"


class SpeechToText(Protocol):
    name: str

    def transcribe(self, audio: bytes, language: str | None = None) -> Transcript:
        """Text of the speech in `audio` (WAV, WebM, Ogg, ...); `language` 'zh'/'en', None: detect."""
        ...


class TextToSpeech(Protocol):
    name: str

    def synthesize(self, text: str, language: str | None = None) -> bytes:
        """`text` spoken, as WAV bytes; `language` 'zh'/'en', None: from the text."""
        ...


def check_language(language: str | None) -> str | None:
    if language is not None and language not in LANGUAGES:
        raise InputError(f"language must be 'zh' or 'en', not {language!r}")
    return language
