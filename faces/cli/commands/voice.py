"""`switchboard voice`: speak to the assistant (WAV files, or the microphone) and hear it answer.

    switchboard voice [--user U] [--thread T] [--language zh|en] [--out DIR] [--json] FILE [FILE ...]
    switchboard voice --mic [--seconds N] [--play] ...

Each file (or each recording) is one turn on the same thread, in order; the transcript and the
reply are printed, and the reply's speech is written to DIR/reply-<n>.wav (default var/voice/),
and played with --play. Every file is checked before the first turn is sent, so a bad file in
the list loses nothing. Engines: `tools.speech` (README, "Voice").
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from switchboard.errors import ConfigurationError, InputError
from switchboard.settings import VAR_DIR

if TYPE_CHECKING:
    from graphs.voice import VoiceTurn
    from switchboard.settings import Settings

DEFAULT_OUT = VAR_DIR / "voice"
MIC_RATE = 16_000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "voice", help="talk to the assistant with speech (WAV files or a microphone)"
    )
    parser.add_argument("files", nargs="*", type=Path, help="WAV (or WebM, Ogg, MP3) files, one turn each")
    parser.add_argument("--mic", action="store_true", help="record turns from the microphone (Ctrl-C stops)")
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="length of one microphone turn (default 6)"
    )
    parser.add_argument("--user", help="user id (default: SWITCHBOARD_DEFAULT_USER_ID, USER123)")
    parser.add_argument("--thread", help="conversation id; reuse it to continue a conversation")
    parser.add_argument("--language", choices=("zh", "en"), help="the language spoken (default: detected)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the replies' speech")
    parser.add_argument("--no-speech", action="store_true", help="print the replies, do not speak them")
    parser.add_argument("--play", action="store_true", help="play each reply (needs an audio device)")
    parser.add_argument("--json", action="store_true", help="print each turn as one JSON object")
    parser.set_defaults(handler=run)


def _read_files(paths: list[Path], settings: Settings) -> list[bytes]:
    from tools.speech.audio import check_audio

    recordings = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            check_audio(data, settings.max_audio_bytes)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from exc
        recordings.append(data)
    return recordings


def _microphone(seconds: float) -> Iterator[bytes]:
    """Recordings of `seconds` each from the default input device, until Ctrl-C. The device is
    looked for at once, before any engine or the assistant is loaded."""
    try:
        import sounddevice

        sounddevice.query_devices(kind="input")
    except (ImportError, OSError) as exc:
        raise ConfigurationError(
            f"no microphone support ({exc}): install the voice extra (make voice) and PortAudio "
            "(apt-get install libportaudio2), or pass WAV files"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - sounddevice.PortAudioError: no input device
        raise ConfigurationError(f"no microphone found ({exc}); pass WAV files instead") from exc
    return _recordings(sounddevice, seconds)


def _recordings(sounddevice: Any, seconds: float) -> Iterator[bytes]:
    import numpy as np

    from tools.speech.audio import Audio, to_wav

    while True:
        input(f"(press Enter and speak for {seconds:g} s; Ctrl-C leaves) ")
        try:
            frames = sounddevice.rec(
                int(seconds * MIC_RATE), samplerate=MIC_RATE, channels=1, dtype="float32"
            )
            sounddevice.wait()
        except sounddevice.PortAudioError as exc:
            raise ConfigurationError(f"the microphone could not be opened: {exc}") from exc
        yield to_wav(Audio(np.asarray(frames, dtype=np.float32).reshape(-1), MIC_RATE))


def _play(wav: bytes) -> None:
    try:
        import sounddevice

        from tools.speech.audio import read_wav
    except (ImportError, OSError) as exc:
        raise ConfigurationError(f"cannot play audio ({exc}): install the voice extra (make voice)") from exc
    audio = read_wav(wav)
    sounddevice.play(audio.samples, audio.rate)
    sounddevice.wait()


def _engines(settings: Settings, speak: bool) -> tuple[Any, Any]:
    from tools.speech import build_speech_to_text, build_text_to_speech

    return build_speech_to_text(settings), (build_text_to_speech(settings) if speak else None)


def run(args: argparse.Namespace) -> int:
    from graphs.runner import validate_ids
    from switchboard.settings import get_settings

    settings = get_settings()
    user = settings.default_user_id if args.user is None else args.user
    thread = args.thread or uuid.uuid4().hex[:12]
    validate_ids(user, thread)
    if bool(args.files) == args.mic:
        raise InputError("give WAV files, or --mic for the microphone (not both)")
    if args.seconds <= 0 or args.seconds > settings.max_audio_seconds:
        raise InputError(f"--seconds must be above 0 and at most {settings.max_audio_seconds:g}")
    recordings = _read_files(args.files, settings) if args.files else _microphone(args.seconds)
    stt, tts = _engines(settings, speak=not args.no_speech)
    return _converse(args, settings, user, thread, recordings, stt, tts)


def _converse(
    args: argparse.Namespace, settings: Settings, user: str, thread: str, recordings: Any, stt: Any, tts: Any
) -> int:
    from graphs.app import open_assistant
    from graphs.checkpoint import thread_turn_lock
    from graphs.voice import voice_turn
    from switchboard.ratelimit import UserLimiter

    limiter = UserLimiter.from_settings(settings)
    if tts is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    with open_assistant(settings) as graph:
        for number, audio in enumerate(recordings, start=1):
            with limiter.admit(user, "turn"), thread_turn_lock(settings.checkpoint_url, thread):
                turn = voice_turn(
                    graph, stt, tts, user_id=user, thread_id=thread, audio=audio, language=args.language
                )
            path = None
            if turn.reply_audio is not None:
                path = args.out / f"reply-{number}.wav"
                path.write_bytes(turn.reply_audio)
            _show(args, turn, path)
            if args.play and turn.reply_audio is not None:
                _play(turn.reply_audio)
    return 0


def _show(args: argparse.Namespace, turn: VoiceTurn, path: Path | None) -> None:
    if args.json:
        payload = {
            **turn.result,
            "transcript": {
                "text": turn.transcript.text,
                "language": turn.transcript.language,
                "engine": turn.transcript.engine,
            },
            "reply_audio": str(path) if path else None,
        }
        print(json.dumps(payload, ensure_ascii=False), flush=True)
        return
    print(f"you (heard)> {turn.transcript.text}")
    print(f"bot> {turn.result['reply']}")
    if path is not None:
        print(f"     (spoken: {path})", flush=True)
