"""The web chat's microphone in headless Chromium, and the voice routes of the server.

Chromium's fake capture device plays a WAV file as the microphone; the server's speech engines
are an OpenAI-compatible audio API played by a local HTTP double, which checks that a real
recording (WebM/Opus from MediaRecorder) arrived. Without Chromium the browser test skips locally
and fails in CI, like the other web tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.server_process import ServerProcess
from tests.helpers import server_on_seeded_copy
from tests.http_double import HttpDouble, Reply, Request, http_double
from tests.test_voice import SPEAK, TRANSCRIBE, _form_fields, tone
from tests.test_web_ui import (
    CHROMIUM_ARGS,
    KEYS,
    SCREENSHOTS,
    WAIT_MS,
    chromium_path,
    finished_reply,
    sign_in,
)

HEARD = "查询航班 FL123 的状态"


@pytest.fixture(scope="module")
def audio_server() -> Iterator[HttpDouble]:
    def transcribe(request: Request) -> Reply:
        audio = _form_fields(request).get("file", b"")
        if not audio.startswith((b"RIFF", b"\x1a\x45\xdf\xa3", b"OggS")) or len(audio) < 500:
            return Reply.of_json({"error": {"message": "no audio"}}, 400)
        return Reply.of_json({"text": HEARD})

    with http_double(
        {TRANSCRIBE: transcribe, SPEAK: lambda request: Reply(200, tone(0.6), "audio/wav")}
    ) as double:
        yield double


@pytest.fixture(scope="module")
def server(
    seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory, audio_server: HttpDouble
) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("server-voice")
    env = {"SWITCHBOARD_AUDIO_BASE_URL": f"{audio_server.url}/v1"}
    with server_on_seeded_copy(seeded_sqlite, workdir, KEYS, env) as process:
        yield process


def test_voice_routes_need_a_key_and_audio(server: ServerProcess, audio_server: HttpDouble) -> None:
    key = {"Authorization": f"Bearer {KEYS['USER123']}"}
    status = httpx.get(f"{server.url}/ui/voice.json", timeout=30).json()
    assert status["stt"] == "api:whisper-1" and status["tts"] == "api:tts-1"
    assert httpx.post(f"{server.url}/voice/transcribe", content=tone(), timeout=30).status_code == 401
    assert httpx.post(f"{server.url}/voice/speak", json={"text": "hi"}, timeout=30).status_code == 401
    refused = httpx.post(f"{server.url}/voice/transcribe", content=b"plain text", headers=key, timeout=30)
    assert refused.status_code == 422 and "not audio" in refused.json()["detail"]
    huge = httpx.post(
        f"{server.url}/voice/transcribe", content=b"RIFF" + b"\0" * 10_000_001, headers=key, timeout=60
    )
    assert huge.status_code == 422 and "too large" in huge.json()["detail"]
    heard = httpx.post(f"{server.url}/voice/transcribe?language=zh", content=tone(), headers=key, timeout=30)
    assert heard.json() == {"text": HEARD, "language": "zh", "engine": "api:whisper-1"}
    spoken = httpx.post(f"{server.url}/voice/speak", json={"text": "航班准点"}, headers=key, timeout=30)
    assert spoken.headers["content-type"] == "audio/wav" and spoken.content.startswith(b"RIFF")
    bad = httpx.post(f"{server.url}/voice/speak", content=b"{not json", headers=key, timeout=30)
    assert bad.status_code == 422


@pytest.fixture(scope="module")
def voice_browser(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    microphone = tmp_path_factory.mktemp("mic") / "speech.wav"
    microphone.write_bytes(tone(3.0, 48_000))
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
        except PlaywrightError as exc:
            pytest.skip(f"Chromium did not start: {exc}")
        yield browser
        browser.close()


def test_the_microphone_button_records_sends_shows_and_plays(
    voice_browser: Any, server: ServerProcess, audio_server: HttpDouble
) -> None:
    from playwright.sync_api import expect

    context = voice_browser.new_context(viewport={"width": 1200, "height": 860}, locale="zh-CN")
    context.grant_permissions(["microphone"], origin=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, server, "USER123")
    mic = page.locator("#mic")
    expect(mic).to_be_visible(timeout=WAIT_MS)
    before = page.locator("li.msg.assistant").count()
    mic.click()
    expect(mic).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1500)  # record a second and a half of the fake microphone
    mic.click()
    reply = finished_reply(page, before)
    expect(page.locator("li.msg.user.spoken .text").last).to_have_text(HEARD)
    expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "flight_status_agent")
    expect(reply.locator(".text")).to_contain_text("FL123")
    player = reply.locator("audio.reply-audio")
    expect(player).to_have_count(1, timeout=WAIT_MS)
    expect(player).to_have_attribute("data-played", "true", timeout=WAIT_MS)
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-voice.png"))
    context.close()
    assert not errors, errors
    (upload,) = [r for r in audio_server.asked("/v1/audio/transcriptions") if b"webm" in r.body[:400]]
    assert _form_fields(upload)["file"].startswith(b"\x1a\x45\xdf\xa3")  # MediaRecorder's WebM
    spoken = audio_server.asked("/v1/audio/speech")[-1].json()["input"]
    assert "FL123" in spoken and re.search(r"[\u4e00-\u9fff]", spoken)
