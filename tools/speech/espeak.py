"""Offline text-to-speech with eSpeak NG (Debian's `espeak-ng`): English and Mandarin.

Chinese text is spoken with the `cmn-latn-pinyin` voice: the plain `cmn` voice of espeak-ng 1.51
reads the pinyin of each character with English rules ("查询" comes out as "cha two ..."), which
nobody understands. Latin runs inside a Chinese reply (flight numbers, confirmation codes, URLs)
would then be read as pinyin, so a mixed reply is cut into Chinese and Latin runs, each spoken
with its own voice, and the pieces joined. Robotic, but intelligible, and it needs no model.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.settings import Settings
from switchboard.text import detect_language
from tools.speech.audio import Audio, concatenate, read_wav, to_wav
from tools.speech.types import check_language

VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin"}
WORDS_PER_MINUTE = {"en": 165, "zh": 175}
MAX_TEXT_CHARS = 2000  # a reply longer than this is cut (a table is not worth hearing whole)
TIMEOUT_S = 60.0
# Latin letters, with the digits and joiners around them ("FL123", "ABC-42", "e.g.").
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9@:/._%+\-]*(?:\s+[A-Za-z0-9][A-Za-z0-9@:/._%+\-]*)*")
_URL = re.compile(r"https?://\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def spoken_runs(text: str, language: str) -> list[tuple[str, str]]:
    """(language, text) pieces to speak: Latin runs of a Chinese text go to the English voice."""
    if language != "zh":
        return [(language, text)]
    runs: list[tuple[str, str]] = []
    position = 0
    for match in _LATIN_RUN.finditer(text):
        if match.start() > position:
            runs.append(("zh", text[position : match.start()]))
        runs.append(("en", match.group()))
        position = match.end()
    if position < len(text):
        runs.append(("zh", text[position:]))
    return [(lang, piece) for lang, piece in runs if piece.strip(" ，。、：；,.;:")]


def speakable(text: str) -> str:
    """What is worth reading aloud: no control characters, web addresses said as 'link'."""
    text = _CONTROL.sub(" ", text)
    text = _URL.sub(" link ", text)
    return text[:MAX_TEXT_CHARS]


@dataclass
class EspeakTextToSpeech:
    binary: str
    name: str = "espeak-ng"

    @classmethod
    def from_settings(cls, settings: Settings) -> EspeakTextToSpeech:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise ConfigurationError(
                "offline text-to-speech needs eSpeak NG: apt-get install espeak-ng "
                "(or set SWITCHBOARD_AUDIO_BASE_URL for an audio API)"
            )
        return cls(binary)

    def synthesize(self, text: str, language: str | None = None) -> bytes:
        if not isinstance(text, str) or not text.strip():
            raise InputError("there is no text to speak")
        language = check_language(language) or detect_language(text) or "en"
        pieces = [self._speak(piece, lang) for lang, piece in spoken_runs(speakable(text), language)]
        if not pieces:
            raise InputError("there is no text to speak")
        return to_wav(concatenate(pieces, pause_s=0.05))

    def _speak(self, text: str, language: str) -> Audio:
        command = [self.binary, "-v", VOICES[language], "-s", str(WORDS_PER_MINUTE[language]), "-b", "1"]
        try:
            done = subprocess.run(  # noqa: S603 - fixed binary and arguments; text goes to stdin
                [*command, "--stdin", "--stdout"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ToolError(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0 or not done.stdout:
            reason = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise ToolError(f"espeak-ng failed (exit {done.returncode}): {reason}")
        return read_wav(done.stdout)
