"""The voice channel without the offline recogniser: audio handling, eSpeak NG speech, the
OpenAI-compatible audio API (a local HTTP double, never the network), spoken turns on the same
graph and thread, `switchboard voice` as a process, and the error-rate scoring.

The real-audio pipeline with the offline Whisper model is `tests/test_voice_offline.py`.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from evals.voice.scoring import error_counts, error_rate, tokens
from graphs.runner import run_turn
from graphs.voice import NOTHING_HEARD, voice_turn
from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.settings import Settings
from tests.http_double import HttpDouble, Reply, Request, http_double
from tools.speech import build_speech_to_text, build_text_to_speech
from tools.speech.audio import Audio, check_audio, container_of, read_wav, resample, to_wav
from tools.speech.espeak import EspeakTextToSpeech, spoken_runs
from tools.speech.openai_audio import ApiSpeechToText, ApiTextToSpeech

TRANSCRIBE = ("POST", "/v1/audio/transcriptions")
SPEAK = ("POST", "/v1/audio/speech")


def tone(seconds: float = 0.5, rate: int = 16_000) -> bytes:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return to_wav(Audio((0.3 * np.sin(2 * math.pi * 440 * t)).astype(np.float32), rate))


def espeak_or_skip() -> None:
    if shutil.which("espeak-ng"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must provide espeak-ng (apt-get install espeak-ng; see .ci/run)")
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def _settings(base: Settings | None = None, **fields: Any) -> Settings:
    values: dict[str, Any] = {"openai_api_key": None, "_env_file": None, **fields}
    if base is not None:
        values = {**base.model_dump(), **values}
    return Settings(**values)


# ------------------------------------------------------------------ audio


def test_containers_are_recognised_and_garbage_refused() -> None:
    assert container_of(tone()) == "wav"
    assert container_of(b"\x1a\x45\xdf\xa3" + b"\0" * 20) == "webm"
    assert container_of(b"OggS" + b"\0" * 20) == "ogg"
    for bad, message in [
        (b"", "empty"),
        (b"hello, this is text", "not audio"),
        (b"RIFF\0\0\0\0AVI ", "not audio"),
    ]:
        with pytest.raises(InputError, match=message):
            container_of(bad)
    with pytest.raises(InputError, match="too large"):
        check_audio(tone(1.0), max_bytes=1_000)
    with pytest.raises(InputError, match="must be bytes"):
        container_of("RIFF")  # type: ignore[arg-type]


def test_wav_round_trip_and_resampling() -> None:
    audio = read_wav(tone(0.5, 22_050))
    assert audio.rate == 22_050 and abs(audio.seconds - 0.5) < 0.01
    assert 0.25 < float(np.max(np.abs(audio.samples))) < 0.35
    down = resample(audio, 16_000)
    assert down.rate == 16_000 and abs(down.seconds - 0.5) < 0.01
    with pytest.raises(InputError, match="unreadable WAV"):
        read_wav(b"RIFF\x24\0\0\0WAVEfmt broken")


# ------------------------------------------------------------------ eSpeak NG


def test_chinese_replies_are_cut_into_chinese_and_latin_runs() -> None:
    assert spoken_runs("航班 FL123 准点，确认号 ABC123。", "zh") == [
        ("zh", "航班 "),
        ("en", "FL123"),
        ("zh", " 准点，确认号 "),
        ("en", "ABC123"),
    ]
    assert spoken_runs("Flight FL123 is on time.", "en") == [("en", "Flight FL123 is on time.")]


@pytest.mark.parametrize(
    ("sentence", "language"), [("Your flight FL123 is on time.", "en"), ("航班 FL123 准点。", "zh")]
)
def test_espeak_speaks_both_languages(sentence: str, language: str) -> None:
    espeak_or_skip()
    tts = build_text_to_speech(_settings())
    assert tts.name == "espeak-ng"
    audio = read_wav(tts.synthesize(sentence, language))
    assert 1.0 < audio.seconds < 8.0
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.01  # speech, not silence


def test_espeak_refuses_nothing_to_say_and_a_missing_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    espeak_or_skip()
    with pytest.raises(InputError, match="no text"):
        build_text_to_speech(_settings()).synthesize("   ")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConfigurationError, match="apt-get install espeak-ng"):
        EspeakTextToSpeech.from_settings(_settings())


# ------------------------------------------------------------------ the OpenAI-compatible audio API


def _form_fields(request: Request) -> dict[str, bytes]:
    """The parts of a multipart/form-data body by name."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    fields = {}
    for part in request.body.split(b"--" + boundary):
        if b"\r\n\r\n" not in part:
            continue
        head, _, value = part.partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        fields[name] = value.removesuffix(b"\r\n")
    return fields


def audio_api(transcripts: list[str]) -> dict[tuple[str, str], Callable[[Request], Reply]]:
    """Routes of an audio server that hears `transcripts` in turn and speaks a tone."""
    queue = list(transcripts)

    def transcribe(request: Request) -> Reply:
        audio = _form_fields(request).get("file", b"")
        if not audio.startswith((b"RIFF", b"\x1a\x45\xdf\xa3", b"OggS")):
            return Reply.of_json({"error": {"message": "Invalid file format."}}, 400)
        return Reply.of_json({"text": queue.pop(0) if queue else ""})

    def speak(request: Request) -> Reply:
        return Reply(200, tone(0.3), "audio/wav")

    return {TRANSCRIBE: transcribe, SPEAK: speak}


@pytest.fixture
def audio_server() -> Iterator[HttpDouble]:
    with http_double(audio_api(["查询航班 FL123 的状态"])) as double:
        yield double


def test_the_audio_api_is_used_when_configured(audio_server: HttpDouble) -> None:
    settings = _settings(
        audio_base_url=f"{audio_server.url}/v1", audio_api_key="sk-audio", stt_model="whisper-x"
    )
    stt, tts = build_speech_to_text(settings), build_text_to_speech(settings)
    assert isinstance(stt, ApiSpeechToText) and isinstance(tts, ApiTextToSpeech)
    heard = stt.transcribe(tone(), "zh")
    assert (heard.text, heard.language, heard.engine) == ("查询航班 FL123 的状态", "zh", "api:whisper-x")
    (request,) = audio_server.asked("/v1/audio/transcriptions")
    fields = _form_fields(request)
    assert request.headers["authorization"] == "Bearer sk-audio"
    assert (
        fields["model"] == b"whisper-x" and fields["language"] == b"zh" and fields["file"].startswith(b"RIFF")
    )
    assert read_wav(tts.synthesize("航班 FL123 准点", "zh")).seconds > 0.2
    spoken = audio_server.asked("/v1/audio/speech")[0].json()
    assert spoken["input"] == "航班 FL123 准点" and spoken["response_format"] == "wav"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply.of_json({"error": {"message": "Incorrect API key provided."}}, 401), "HTTP 401"),
        (Reply(500, b"boom", "text/plain"), "HTTP 500"),
        (Reply.of_json({"text": "late"}, delay_s=3.0), "transcription failed"),
    ],
    ids=["unauthorized", "server-error", "too-slow"],
)
def test_audio_api_failures_are_one_line_tool_errors(reply: Reply, message: str) -> None:
    with http_double({TRANSCRIBE: lambda request: reply, SPEAK: lambda request: reply}) as double:
        settings = _settings(audio_base_url=f"{double.url}/v1", audio_timeout_s=0.5)
        with pytest.raises(ToolError, match=message) as caught:
            build_speech_to_text(settings).transcribe(tone())
        assert "\n" not in str(caught.value)
        with pytest.raises(ToolError):
            build_text_to_speech(settings).synthesize("hello")


def test_speech_that_is_not_audio_is_refused() -> None:
    routes = {SPEAK: lambda request: Reply(200, b"<html>not audio</html>", "text/html")}
    with http_double(routes) as double, pytest.raises(ToolError, match="not audio"):
        build_text_to_speech(_settings(audio_base_url=f"{double.url}/v1")).synthesize("hello")


def test_engines_can_be_turned_off_and_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="off"):
        build_speech_to_text(_settings(stt_engine="off"))
    with pytest.raises(ConfigurationError, match="off"):
        build_text_to_speech(_settings(tts_engine="off"))
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if "whisper" in name else real_find_spec(name, *a)
    )
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if the voice group were not installed
    with pytest.raises(ConfigurationError, match="make voice"):
        build_speech_to_text(_settings(stt_engine="whisper"))


# ------------------------------------------------------------------ spoken turns on the graph


def test_spoken_turns_share_the_thread_and_confirm_by_voice(
    settings: Settings, make_graph: Callable[..., Any], engine: Any, thread_id: str
) -> None:
    with http_double(audio_api(["取消 FL789，确认号 ABC123", "是的"])) as double:
        voiced = _settings(settings, audio_base_url=f"{double.url}/v1")
        stt, tts = build_speech_to_text(voiced), build_text_to_speech(voiced)
        graph = make_graph()
        ask = voice_turn(graph, stt, tts, user_id="USER123", thread_id=thread_id, audio=tone())
        assert ask.transcript.text == "取消 FL789，确认号 ABC123"
        assert ask.result["task_status"] == "awaiting_confirmation"
        assert ask.reply_audio is not None and container_of(ask.reply_audio) == "wav"
        spoken_reply = double.asked("/v1/audio/speech")[0].json()["input"]
        assert spoken_reply == ask.result["reply"]
        done = voice_turn(graph, stt, tts, user_id="USER123", thread_id=thread_id, audio=tone())
    assert done.result["task_status"] == "completed"
    assert [c["name"] for c in done.result["tool_calls"]] == ["cancel_booking"]
    with engine.connect() as connection:
        status = connection.execute(text("select status from bookings where confirmation_number='ABC123'"))
        assert status.scalar_one() == "cancelled"
    # A typed turn continues the spoken conversation on the same thread.
    run_turn(graph, user_id="USER123", thread_id=thread_id, text="show my bookings")
    said = [m.content for m in graph.get_state({"configurable": {"thread_id": thread_id}}).values["messages"]]
    assert said[0::2] == ["取消 FL789，确认号 ABC123", "是的", "show my bookings"]


def test_nothing_heard_sends_nothing(
    settings: Settings, make_graph: Callable[..., Any], thread_id: str
) -> None:
    with http_double(audio_api([""])) as double:
        stt = build_speech_to_text(_settings(settings, audio_base_url=f"{double.url}/v1"))
        graph = make_graph()
        with pytest.raises(InputError, match=NOTHING_HEARD):
            voice_turn(graph, stt, None, user_id="USER123", thread_id=thread_id, audio=tone())
    assert graph.get_state({"configurable": {"thread_id": thread_id}}).values == {}


def test_another_users_thread_is_refused_by_voice(
    settings: Settings, make_graph: Callable[..., Any], thread_id: str
) -> None:
    graph = make_graph()
    run_turn(graph, user_id="USER123", thread_id=thread_id, text="查询航班 FL123 的状态")
    with http_double(audio_api(["show my bookings"])) as double:
        stt = build_speech_to_text(_settings(settings, audio_base_url=f"{double.url}/v1"))
        with pytest.raises(InputError, match="belongs to another user"):
            voice_turn(graph, stt, None, user_id="USER456", thread_id=thread_id, audio=tone())


# ------------------------------------------------------------------ `switchboard voice`


def voice_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "voice", *args],
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )


def test_the_voice_command_over_wav_files(cli_env: dict[str, str], tmp_path: Path) -> None:
    first, second = tmp_path / "one.wav", tmp_path / "two.wav"
    first.write_bytes(tone())
    second.write_bytes(tone())
    with http_double(audio_api(["取消 FL789，确认号 ABC123", "是的"])) as double:
        env = {**cli_env, "SWITCHBOARD_AUDIO_BASE_URL": f"{double.url}/v1"}
        out = tmp_path / "replies"
        done = voice_cli(env, "--thread", "v1", "--json", "--out", str(out), str(first), str(second))
    assert done.returncode == 0, done.stderr.decode()
    turns = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [t["transcript"]["text"] for t in turns] == ["取消 FL789，确认号 ABC123", "是的"]
    assert [t["task_status"] for t in turns] == ["awaiting_confirmation", "completed"]
    assert turns[1]["tool_calls"][0]["name"] == "cancel_booking" and turns[1]["thread_id"] == "v1"
    assert all(container_of(Path(t["reply_audio"]).read_bytes()) == "wav" for t in turns)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["missing.wav"], "cannot read"),
        (["notes.txt"], "not audio"),
        ([], "give WAV files, or --mic"),
    ],
)
def test_the_voice_command_refuses_bad_files_before_any_turn(
    cli_env: dict[str, str], tmp_path: Path, files: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("just text", encoding="utf-8")
    good = tmp_path / "good.wav"
    good.write_bytes(tone())
    with http_double(audio_api(["hello"])) as double:
        env = {**cli_env, "SWITCHBOARD_AUDIO_BASE_URL": f"{double.url}/v1"}
        paths = [str(good)] + [str(tmp_path / f) for f in files] if files else []
        done = voice_cli(env, "--thread", "v2", *paths)
    assert done.returncode == 2
    err = done.stderr.decode().strip()
    assert message in err and len(err.splitlines()) == 1
    assert double.requests == []  # the good file before the bad one was not sent either


def test_the_microphone_without_a_device_is_one_line(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "SWITCHBOARD_AUDIO_BASE_URL": "http://127.0.0.1:9/v1"}
    done = subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "voice", "--mic", "--no-speech"],
        env=env,
        input=b"\n",
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 2
    assert "microphone" in done.stderr.decode() and len(done.stderr.decode().strip().splitlines()) == 1


# ------------------------------------------------------------------ scoring


def test_error_rates() -> None:
    assert tokens("Flight FL-123, on time!") == ["flight", "fl", "123", "on", "time"]
    assert tokens("航班FL123准点。") == ["航", "班", "fl", "123", "准", "点"]
    assert error_counts("What is the status of flight FL123?", "What is the status on flight FL-123?") == (
        1,
        8,
    )
    assert error_counts("我想预订一个座位。", "我想预定一个座位") == (1, 8)
    assert error_counts("cancel my booking", "") == (3, 3)
    assert error_rate([("a b c d", "a b c d"), ("a b", "a x y")]) == pytest.approx(2 / 6)


def test_wave_module_reads_what_espeak_streams() -> None:
    """espeak-ng writes a streaming header (sizes unknown): the frames that are there are read."""
    body = tone(0.2)
    header, frames = body[:44], body[44:]
    streamed = header[:4] + b"\xff\xff\xff\x7f" + header[8:40] + b"\x00\xf0\xff\x7f" + frames
    with wave.open(io.BytesIO(streamed)) as reader:
        assert reader.getframerate() == 16_000
    assert abs(read_wav(streamed).seconds - 0.2) < 0.01
