"""One spoken turn: speech -> text -> the same assistant graph and thread -> speech.

The transcript is sent to `run_turn` exactly as a typed message would be (same guards, router,
confirmations, ownership, checkpoint), so a voice conversation and a typed one can continue each
other on one thread. The reply is spoken in the language of the turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphs.runner import ReplyHook, TurnResult, run_turn
from switchboard.errors import InputError
from switchboard.text import detect_language
from tools.speech import SpeechToText, TextToSpeech, Transcript

NOTHING_HEARD = "no speech was recognised in the audio; nothing was sent"


@dataclass(frozen=True)
class VoiceTurn:
    transcript: Transcript
    result: TurnResult
    reply_audio: bytes | None  # WAV; None when there is no text-to-speech


def hear(stt: SpeechToText, audio: bytes, language: str | None = None) -> Transcript:
    """The transcript of `audio`; InputError when nothing was said."""
    transcript = stt.transcribe(audio, language)
    if not transcript.text.strip():
        raise InputError(NOTHING_HEARD)
    return transcript


def voice_turn(
    graph: Any,
    stt: SpeechToText,
    tts: TextToSpeech | None,
    *,
    user_id: str,
    thread_id: str,
    audio: bytes,
    language: str | None = None,
    on_reply: ReplyHook | None = None,
) -> VoiceTurn:
    """Hear `audio`, run the turn on `thread_id` as `user_id`, speak the reply."""
    transcript = hear(stt, audio, language)
    result = run_turn(graph, user_id=user_id, thread_id=thread_id, text=transcript.text, on_reply=on_reply)
    reply_audio = None
    if tts is not None and result["reply"].strip():
        spoken = detect_language(result["reply"]) or transcript.language
        reply_audio = tts.synthesize(result["reply"], spoken)
    return VoiceTurn(transcript, result, reply_audio)
