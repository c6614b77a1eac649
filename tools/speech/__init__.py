"""Speech in and speech out around the assistant: pluggable speech-to-text and text-to-speech.

    stt = build_speech_to_text(settings)     # Whisper offline, or an OpenAI-compatible audio API
    tts = build_text_to_speech(settings)     # eSpeak NG offline, or an OpenAI-compatible audio API
    heard = stt.transcribe(wav_or_webm_bytes, language=None)   # Transcript(text, language, engine)
    wav = tts.synthesize("航班 FL123 准点", "zh")

Modules: `types` (the two protocols, a transcript), `audio` (containers, WAV, resampling),
`engines` (the choice by settings), `whisper` and `whisper_model` (offline recognition with
faster-whisper and the Whisper model of the `voice` dependency group), `espeak` (offline synthesis
with Debian's espeak-ng), `openai_audio` (both through an OpenAI-compatible `/audio/transcriptions`
and `/audio/speech`). Plain Python: no LangChain here.
"""

from tools.speech.engines import build_speech_to_text, build_text_to_speech
from tools.speech.types import SpeechToText, TextToSpeech, Transcript

__all__ = ["SpeechToText", "TextToSpeech", "Transcript", "build_speech_to_text", "build_text_to_speech"]
