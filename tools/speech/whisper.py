"""Offline speech-to-text: Whisper through faster-whisper (CTranslate2), on the CPU.

The `voice` dependency group brings faster-whisper and the multilingual Whisper base model
(`tools.speech.whisper_model`); `SWITCHBOARD_WHISPER_MODEL_DIR` may name another CTranslate2
Whisper model. When the language is not given, Whisper detects it; when it hears neither Chinese
nor English (it took synthetic Mandarin for Thai), the recording is decoded again as whichever of
the two Whisper's language scores rank higher. Decoding is
greedy at temperature 0 without conditioning on earlier text, and capped in tokens, so a
recording the model cannot read ends quickly instead of looping on a hallucination.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.settings import Settings
from tools.speech.audio import check_audio, read_wav, resample
from tools.speech.types import LANGUAGES, Transcript, check_language
from tools.speech.whisper_model import INSTALL_HINT, MODEL_NAME, bundled_model_dir

SAMPLE_RATE = 16_000
MAX_NEW_TOKENS = 160
# English decoding starts from the product's vocabulary (Whisper's prompt biases its spelling):
# measured on the voice set, WER 11.2% without it, 5.6% with it. For Chinese every prompt tried
# made it worse (a "simplified Chinese" prompt: CER 70% -> 79%, some empty transcripts; the same
# vocabulary in Chinese: 111%, the prompt repeated back), so Chinese has none.
PROMPTS: dict[str, str | None] = {
    "en": "Customer service call about flights, seats, bookings, cancellations, baggage, check-in and refunds.",
    "zh": None,
}


@dataclass
class WhisperSpeechToText:
    model: Any  # faster_whisper.WhisperModel
    max_seconds: float
    max_bytes: int
    name: str = f"whisper:{MODEL_NAME}"
    # CTranslate2 models are safe to share, but two decodes at once only slow each other on 2 cores.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> WhisperSpeechToText:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise ConfigurationError(f"offline speech-to-text is not installed: {INSTALL_HINT}") from exc
        model_dir = settings.whisper_model_dir or bundled_model_dir(settings.model_dir)
        name = f"whisper:{model_dir.name}" if settings.whisper_model_dir else f"whisper:{MODEL_NAME}"
        try:
            model = WhisperModel(str(model_dir), device="cpu", compute_type=settings.whisper_compute_type)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ConfigurationError(f"the Whisper model in {model_dir} did not load: {exc}") from exc
        return cls(model, settings.max_audio_seconds, settings.max_audio_bytes, name)

    def transcribe(self, audio: bytes, language: str | None = None) -> Transcript:
        language = check_language(language)
        samples = self._decode(audio)
        if len(samples) / SAMPLE_RATE > self.max_seconds:
            raise InputError(
                f"the recording is too long: {len(samples) / SAMPLE_RATE:.0f} s (at most {self.max_seconds:g} s)"
            )
        if not len(samples) or float(np.max(np.abs(samples))) < 1e-4:
            return Transcript("", language, self.name)  # silence
        with self._lock:
            try:
                text, heard, scores = self._decode_speech(samples, language)
                if language is None and heard not in LANGUAGES:
                    # Whisper heard another language: decode again as the likelier of ours.
                    language = "zh" if scores.get("zh", 0.0) >= scores.get("en", 0.0) else "en"
                    text, heard, _ = self._decode_speech(samples, language)
            except (RuntimeError, ValueError) as exc:
                raise ToolError(f"speech recognition failed: {exc}") from exc
        return Transcript(text, heard if heard in LANGUAGES else language, self.name)

    def _decode_speech(
        self, samples: NDArray[np.float32], language: str | None
    ) -> tuple[str, str, dict[str, float]]:
        """(text, language heard, language scores): greedy, at temperature 0, capped in tokens."""
        segments, info = self.model.transcribe(
            samples,
            language=language,
            task="transcribe",
            beam_size=1,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
            initial_prompt=PROMPTS.get(language or ""),
            max_new_tokens=MAX_NEW_TOKENS,
            vad_filter=False,
        )
        # Segments are decoded lazily: joining them is the decoding.
        text = "".join(segment.text for segment in segments).strip()
        return text, str(info.language), dict(info.all_language_probs or [])

    def _decode(self, data: bytes) -> NDArray[np.float32]:
        container = check_audio(data, self.max_bytes)
        if container == "wav":
            return resample(read_wav(data), SAMPLE_RATE).samples
        from faster_whisper import decode_audio

        try:  # WebM/Ogg/MP3/...: PyAV (bundled with faster-whisper) decodes and resamples
            decoded = decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
        except Exception as exc:  # noqa: BLE001 - PyAV raises its own error classes for bad streams
            raise InputError(f"the {container} audio could not be decoded: {type(exc).__name__}") from exc
        return np.asarray(decoded, dtype=np.float32)
