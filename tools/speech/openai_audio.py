"""Speech through an OpenAI-compatible audio API: `POST /audio/transcriptions` and `/audio/speech`.

Any server that speaks OpenAI's audio endpoints works (OpenAI, a local faster-whisper-server,
LocalAI, vLLM's transcription endpoint, ...). The server is `SWITCHBOARD_AUDIO_BASE_URL` (default:
the chat model's `OPENAI_BASE_URL`), the key `SWITCHBOARD_AUDIO_API_KEY` (default:
`OPENAI_API_KEY`). A request gets `SWITCHBOARD_AUDIO_TIMEOUT_S` and is never retried; a failure is
a ToolError with the server's reason in one line.
"""

from __future__ import annotations

from typing import Any

from switchboard.errors import InputError, ToolError
from switchboard.settings import Settings
from switchboard.text import detect_language
from tools.speech.audio import MIME_TYPES, check_audio, container_of
from tools.speech.espeak import speakable
from tools.speech.types import Transcript, check_language

MAX_SPEECH_CHARS = 4096  # OpenAI's limit for one /audio/speech request


def _client(settings: Settings) -> Any:
    import openai

    key = settings.audio_api_key or settings.openai_api_key
    # A local audio server needs no key, but the client insists on one.
    return openai.OpenAI(
        api_key=(key.get_secret_value() if key is not None else "") or "not-needed",
        base_url=settings.audio_base_url or settings.openai_base_url,
        timeout=settings.audio_timeout_s,
        max_retries=0,
    )


def _failure(what: str, exc: Exception) -> ToolError:
    status = getattr(exc, "status_code", None)
    reason = str(getattr(exc, "message", "") or exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return ToolError(
        f"the audio API's {what} failed" + (f" (HTTP {status})" if status else "") + f": {reason}"
    )


class ApiSpeechToText:
    def __init__(self, settings: Settings) -> None:
        self.client = _client(settings)
        self.model = settings.stt_model
        self.max_bytes = settings.max_audio_bytes
        self.name = f"api:{self.model}"

    def transcribe(self, audio: bytes, language: str | None = None) -> Transcript:
        import openai

        language = check_language(language)
        container = check_audio(audio, self.max_bytes)
        upload = (f"speech.{container}", bytes(audio), MIME_TYPES[container])
        options: dict[str, Any] = {"model": self.model, "file": upload, "response_format": "json"}
        if language:
            options["language"] = language
        try:
            result = self.client.audio.transcriptions.create(**options)
        except openai.OpenAIError as exc:
            raise _failure("transcription", exc) from exc
        text = str(getattr(result, "text", "") or "").strip()
        return Transcript(text, language or detect_language(text), self.name)


class ApiTextToSpeech:
    def __init__(self, settings: Settings) -> None:
        self.client = _client(settings)
        self.model = settings.tts_model
        self.voice = settings.tts_voice
        self.name = f"api:{self.model}"

    def synthesize(self, text: str, language: str | None = None) -> bytes:
        import openai

        check_language(language)
        if not isinstance(text, str) or not text.strip():
            raise InputError("there is no text to speak")
        try:
            response = self.client.audio.speech.create(
                model=self.model,
                voice=self.voice,
                input=speakable(text)[:MAX_SPEECH_CHARS],
                response_format="wav",
            )
            audio = response.read()
        except openai.OpenAIError as exc:
            raise _failure("speech", exc) from exc
        try:
            container_of(audio)
        except InputError as exc:
            raise ToolError(f"the audio API's speech is not audio: {exc}") from exc
        return bytes(audio)
