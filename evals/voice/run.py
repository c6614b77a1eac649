"""The voice pipeline on real audio: text -> TTS -> WAV -> STT -> assistant -> TTS, scored.

For every sentence of `evals/voice/sentences.jsonl` (20 English, 20 Chinese, written for this
product): synthesise it with the configured text-to-speech, transcribe the WAV with the configured
speech-to-text twice (told the language, and left to detect it), score the transcripts (WER for
English, CER for Chinese), then send the heard text through the whole assistant graph on a fresh
thread and speak its reply. Reported per language: error rates, language identification, whether
the assistant understood the heard sentence as it understands the written one (same intent), and
the recogniser's real-time factor (seconds of decoding per second of audio).

    python -m evals.voice [--limit N] [--out var/voice-eval.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.voice.scoring import error_counts
from switchboard.settings import Settings, get_settings

SENTENCES = Path(__file__).with_name("sentences.jsonl")


@dataclass
class Case:
    id: str
    language: str
    text: str
    audio_s: float = 0.0
    heard: str = ""  # told the language
    heard_detected: str = ""  # left to detect it
    detected_language: str | None = None
    errors: int = 0
    errors_detected: int = 0
    tokens: int = 0
    stt_s: float = 0.0
    intent_written: str | None = None
    intent_heard: str | None = None
    reply: str = ""
    reply_audio_s: float = 0.0


@dataclass
class LanguageSummary:
    n: int
    metric: str  # "WER" or "CER"
    error_rate: float
    error_rate_detected: float
    language_id_accuracy: float
    intent_agreement: float
    audio_s: float
    real_time_factor: float
    replies_spoken: int
    examples: list[dict[str, str]] = field(default_factory=list)


def load_sentences(path: Path = SENTENCES, limit: int | None = None) -> list[Case]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        per_language = {lang: [r for r in rows if r["language"] == lang][:limit] for lang in ("en", "zh")}
        rows = per_language["en"] + per_language["zh"]
    return [Case(id=r["id"], language=r["language"], text=r["text"]) for r in rows]


def _seconds(wav: bytes) -> float:
    from tools.speech.audio import read_wav

    return read_wav(wav).seconds


def hear_all(cases: list[Case], settings: Settings) -> str:
    """Synthesise, transcribe (told the language, then detecting it) and score every case; the
    engines' names."""
    from tools.speech import build_speech_to_text, build_text_to_speech

    tts, stt = build_text_to_speech(settings), build_speech_to_text(settings)
    for case in cases:
        wav = tts.synthesize(case.text, case.language)
        case.audio_s = _seconds(wav)
        started = time.perf_counter()
        case.heard = stt.transcribe(wav, case.language).text
        case.stt_s = time.perf_counter() - started
        detected = stt.transcribe(wav, None)
        case.heard_detected, case.detected_language = detected.text, detected.language
        case.errors, case.tokens = error_counts(case.text, case.heard)
        case.errors_detected, _ = error_counts(case.text, case.heard_detected)
    return f"TTS {tts.name}, STT {stt.name}"


def converse_all(cases: list[Case], settings: Settings, workdir: Path) -> None:
    """The heard text of each case through the assistant (a fresh thread each) and its reply spoken."""
    from graphs.app import open_assistant
    from graphs.runner import run_turn
    from tools.speech import build_text_to_speech

    local = settings.model_copy(
        update={
            "database_url": f"sqlite:///{workdir / 'voice-eval.db'}",
            "checkpoint_url": f"sqlite:///{workdir / 'voice-eval-checkpoints.db'}",
        }
    )
    tts = build_text_to_speech(local)
    with open_assistant(local) as graph:
        for number, case in enumerate(cases):
            written = run_turn(graph, user_id="USER123", thread_id=f"written-{number}", text=case.text)
            case.intent_written = written["intent"]
            if not case.heard.strip():
                continue
            heard = run_turn(graph, user_id="USER123", thread_id=f"heard-{number}", text=case.heard)
            case.intent_heard, case.reply = heard["intent"], heard["reply"]
            if case.reply.strip():
                case.reply_audio_s = _seconds(tts.synthesize(case.reply))


def summarise(cases: list[Case]) -> dict[str, LanguageSummary]:
    summary = {}
    for language in ("en", "zh"):
        mine = [c for c in cases if c.language == language]
        if not mine:
            continue
        tokens = sum(c.tokens for c in mine) or 1
        audio = sum(c.audio_s for c in mine)
        worst = sorted(mine, key=lambda c: -c.errors / max(c.tokens, 1))[:3]
        summary[language] = LanguageSummary(
            n=len(mine),
            metric="WER" if language == "en" else "CER",
            error_rate=sum(c.errors for c in mine) / tokens,
            error_rate_detected=sum(c.errors_detected for c in mine) / tokens,
            language_id_accuracy=sum(c.detected_language == language for c in mine) / len(mine),
            intent_agreement=sum(c.intent_heard == c.intent_written for c in mine) / len(mine),
            audio_s=audio,
            real_time_factor=sum(c.stt_s for c in mine) / audio if audio else 0.0,
            replies_spoken=sum(c.reply_audio_s > 0 for c in mine),
            examples=[{"said": c.text, "heard": c.heard} for c in worst],
        )
    return summary


def table(summary: dict[str, LanguageSummary], engines: str) -> str:
    lines = [
        f"voice pipeline ({engines})",
        "| language | n | error rate (told language) | error rate (detected) | language id | "
        "same intent as written | audio | real-time factor | replies spoken |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for language, s in summary.items():
        lines.append(
            f"| {language} | {s.n} | {s.metric} {s.error_rate:.1%} | {s.metric} {s.error_rate_detected:.1%} | "
            f"{s.language_id_accuracy:.0%} | {s.intent_agreement:.0%} | {s.audio_s:.0f} s | "
            f"{s.real_time_factor:.2f} | {s.replies_spoken}/{s.n} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.voice", description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="first N sentences of each language")
    parser.add_argument("--out", type=Path, default=Path("var/voice-eval.json"))
    parser.add_argument("--no-assistant", action="store_true", help="score the transcripts only")
    args = parser.parse_args(argv)
    settings = get_settings()
    cases = load_sentences(limit=args.limit)
    engines = hear_all(cases, settings)
    if not args.no_assistant:
        with tempfile.TemporaryDirectory(prefix="voice-eval-") as workdir:
            converse_all(cases, settings, Path(workdir))
    summary = summarise(cases)
    report: dict[str, Any] = {
        "engines": engines,
        "summary": {k: asdict(v) for k, v in summary.items()},
        "cases": [asdict(c) for c in cases],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(summary, engines))
    print(f"(cases in {args.out})")
    return 0
