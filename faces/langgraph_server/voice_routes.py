"""The web chat's voice: speech to text and text to speech, as routes of the LangGraph server.

    GET  /ui/voice.json                       {"stt": "whisper:base" | null, "tts": ..., "reasons": {...}}
    POST /voice/transcribe[?language=zh|en]   audio body (WAV, WebM, Ogg, ...) -> {"text", "language", "engine"}
    POST /voice/speak                         {"text", "language"?} -> audio/wav

The page records with the microphone, sends the recording here, shows the transcript and sends
it through its ordinary run (same thread, same graph, same confirmations); then it asks here for
the reply's speech and plays it. Both POST routes need the user's API key, as the API does (the
user-limits middleware counts them as calls), and refuse bodies over `SWITCHBOARD_MAX_AUDIO_BYTES`
before reading them. The engines load on first use, and decoding runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.settings import Settings, get_settings

log = logging.getLogger("switchboard.voice")
MAX_SPEAK_BODY = 64_000


class _Unavailable:
    """An engine that could not be built: every use answers 503 with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.name = None


def _built(build: Callable[[Settings], Any]) -> Any:
    """The engine `build` makes from the settings, or an `_Unavailable` saying why not."""
    try:
        return build(get_settings())
    except ConfigurationError as exc:
        return _Unavailable(str(exc))


@lru_cache(maxsize=1)
def speech_to_text() -> Any:
    from tools.speech import build_speech_to_text

    return _built(build_speech_to_text)


@lru_cache(maxsize=1)
def text_to_speech() -> Any:
    from tools.speech import build_text_to_speech

    return _built(build_text_to_speech)


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _user_of(request: Request) -> str | None:
    from faces.langgraph_server.auth import keyring, presented_key

    key = presented_key(dict(request.headers))
    return keyring().user_for(key) if key else None


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (InputError) as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InputError(f"the body is too large: {int(declared):,} bytes (at most {limit:,})")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InputError(f"the body is too large: more than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def voice_status(request: Request) -> JSONResponse:
    """Which engines this server has (the page shows the microphone only with speech-to-text)."""
    stt, tts = await asyncio.gather(asyncio.to_thread(speech_to_text), asyncio.to_thread(text_to_speech))
    reasons = {side: e.reason for side, e in (("stt", stt), ("tts", tts)) if isinstance(e, _Unavailable)}
    return JSONResponse({"stt": stt.name, "tts": tts.name, "reasons": reasons})


async def transcribe(request: Request) -> Response:
    if _user_of(request) is None:
        return _error(401, "API key required")
    stt = await asyncio.to_thread(speech_to_text)
    if isinstance(stt, _Unavailable):
        return _error(503, stt.reason)
    language = request.query_params.get("language") or None
    try:
        audio = await _body(request, get_settings().max_audio_bytes)
        heard = await asyncio.to_thread(stt.transcribe, audio, language)
    except InputError as exc:
        return _error(422, str(exc))
    except ToolError as exc:
        log.warning("speech-to-text failed: %s", exc)
        return _error(502, str(exc))
    return JSONResponse({"text": heard.text, "language": heard.language, "engine": heard.engine})


async def speak(request: Request) -> Response:
    if _user_of(request) is None:
        return _error(401, "API key required")
    tts = await asyncio.to_thread(text_to_speech)
    if isinstance(tts, _Unavailable):
        return _error(503, tts.reason)
    try:
        payload = json.loads(await _body(request, MAX_SPEAK_BODY) or b"null")
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise InputError('expected a JSON object {"text": "...", "language": "zh" | "en"}')
        language = payload.get("language")
        wav = await asyncio.to_thread(tts.synthesize, payload["text"], language if language else None)
    except (InputError, ValueError) as exc:  # ValueError: the body is not JSON
        return _error(422, str(exc).splitlines()[0])
    except ToolError as exc:
        log.warning("text-to-speech failed: %s", exc)
        return _error(502, str(exc))
    return Response(wav, media_type="audio/wav", headers={"cache-control": "no-store"})


def voice_routes(ui_prefix: str) -> list[Route]:
    return [
        Route(f"{ui_prefix}/voice.json", voice_status, methods=["GET"]),
        Route("/voice/transcribe", transcribe, methods=["POST"]),
        Route("/voice/speak", speak, methods=["POST"]),
    ]
