"""Audio bytes in and out: what a recording is, WAV reading and writing, resampling.

Speech engines take audio as bytes (a WAV file, or what a browser records: WebM/Ogg with Opus)
and give WAV. Bad input is refused in one line before any engine sees it: nothing, too much, or
bytes that are no known audio container.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from switchboard.errors import InputError

# Magic numbers of the containers the engines read (the offline engine decodes them with PyAV).
_CONTAINERS: tuple[tuple[bytes, int, str], ...] = (
    (b"RIFF", 0, "wav"),
    (b"OggS", 0, "ogg"),
    (b"\x1a\x45\xdf\xa3", 0, "webm"),
    (b"fLaC", 0, "flac"),
    (b"ID3", 0, "mp3"),
    (b"ftyp", 4, "mp4"),
)
MIME_TYPES = {
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
}


@dataclass(frozen=True)
class Audio:
    """Mono samples in [-1, 1] at `rate` Hz."""

    samples: NDArray[np.float32]
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def container_of(data: bytes) -> str:
    """The audio container `data` is in ('wav', 'webm', ...); InputError when it is none of them."""
    if not isinstance(data, bytes | bytearray):
        raise InputError(f"audio must be bytes, not {type(data).__name__}")
    if not data:
        raise InputError("the audio is empty")
    for magic, offset, name in _CONTAINERS:
        if data[offset : offset + len(magic)] == magic:
            if name == "wav" and data[8:12] != b"WAVE":
                break
            return name
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "mp3"  # an MPEG audio frame without an ID3 tag
    raise InputError("this is not audio: expected WAV, WebM, Ogg, FLAC, MP3 or MP4")


def check_audio(data: bytes, max_bytes: int) -> str:
    """The container of `data` once its size is within bounds (InputError otherwise)."""
    if isinstance(data, bytes | bytearray) and len(data) > max_bytes:
        raise InputError(f"the audio is too large: {len(data):,} bytes (at most {max_bytes:,})")
    return container_of(data)


def read_wav(data: bytes) -> Audio:
    """A PCM WAV file as mono float samples (channels averaged)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            width, channels, rate = reader.getsampwidth(), reader.getnchannels(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InputError(f"unreadable WAV file: {exc}") from exc
    if width not in (1, 2, 4) or channels < 1 or rate <= 0:
        raise InputError(f"unsupported WAV format: {width * 8}-bit, {channels} channel(s), {rate} Hz")
    if width == 1:
        pcm = (np.frombuffer(frames, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        kind = np.int16 if width == 2 else np.int32
        pcm = np.frombuffer(frames, dtype=kind).astype(np.float32) / float(np.iinfo(kind).max)
    usable = len(pcm) - len(pcm) % channels
    samples = pcm[:usable].reshape(-1, channels).mean(axis=1).astype(np.float32)
    return Audio(samples, rate)


def to_wav(audio: Audio) -> bytes:
    """16-bit mono PCM WAV bytes."""
    pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767.0).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(audio.rate)
        writer.writeframes(pcm.tobytes())
    return out.getvalue()


def resample(audio: Audio, rate: int) -> Audio:
    """`audio` at `rate` Hz (polyphase filtering, so no aliasing when going down)."""
    if audio.rate == rate:
        return audio
    from math import gcd

    from scipy.signal import resample_poly

    divisor = gcd(audio.rate, rate)
    samples = resample_poly(audio.samples, rate // divisor, audio.rate // divisor)
    return Audio(np.asarray(samples, dtype=np.float32), rate)


def concatenate(parts: list[Audio], pause_s: float = 0.0) -> Audio:
    """One recording of `parts` (all at the first part's rate), with a short pause between them."""
    if not parts:
        raise ValueError("nothing to concatenate")
    rate = parts[0].rate
    gap = np.zeros(int(rate * pause_s), dtype=np.float32)
    pieces: list[NDArray[np.float32]] = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(gap)
        pieces.append(resample(part, rate).samples)
    return Audio(np.concatenate(pieces).astype(np.float32), rate)
