"""The voice pipeline's evaluation: a bilingual sentence set through TTS, STT and the assistant."""
