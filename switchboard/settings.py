"""Process-wide settings: one pydantic-settings object, read from the environment and `.env`.

Nodes never read `os.environ`; they receive what they need from `Settings` (process) or the
run's `Context` (per user and thread).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from switchboard.clock import DEFAULT_TIME_ZONE, Clock, parse_instant, zone
from switchboard.errors import ConfigurationError, InputError

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


class Settings(BaseSettings):
    """Everything a Switchboard process is configured with."""

    model_config = SettingsConfigDict(
        env_prefix="SWITCHBOARD_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str = Field(default_factory=lambda: _sqlite_url("switchboard.db"))
    checkpoint_url: str = Field(default_factory=lambda: _sqlite_url("checkpoints.db"))
    model_dir: Path = VAR_DIR / "models"

    # The LLM engine is on exactly when a key is present.
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "SWITCHBOARD_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "SWITCHBOARD_OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o-mini"
    # Seconds one LLM request may take; then it is cancelled (its connection closed), never retried.
    llm_timeout_s: float = 10.0
    # Seconds of LLM time one turn may spend in all (router, slots, SQL, answer, critic); once it
    # is spent the local engine answers the rest of the turn.
    llm_turn_budget_s: float = 20.0
    # How JSON is asked of the LLM: `auto` tries a JSON schema and steps down (json_object, then
    # prompt-and-parse) when the endpoint refuses it, once per endpoint; or one of those fixed.
    llm_structured_output: Literal["auto", "json_schema", "json_object", "prompt"] = "auto"
    # With an LLM, composed answers go through the LLM critic (at most two revisions).
    llm_critic: bool = True

    # Embeddings for knowledge retrieval from an OpenAI-compatible server: off (the bundled local
    # model) unless a model is named. The URL and key default to the chat model's.
    embeddings_model: str | None = None
    embeddings_base_url: str | None = None
    embeddings_api_key: SecretStr | None = None
    embeddings_batch_size: int = Field(default=64, ge=1, le=2048)

    # LangSmith tracing (LANGSMITH_TRACING): at exit, pending traces get this long to flush.
    langsmith_flush_timeout_s: float = 3.0

    # The user a terminal chat runs as when --user is not given (the demo fixtures belong to USER123).
    default_user_id: str = "USER123"
    # Below this classifier confidence the router asks the LLM, or asks the user to clarify;
    # None uses the threshold chosen when the classifier was trained.
    router_threshold: float | None = None
    # Longest message accepted, in characters.
    max_input_chars: int = 4000
    # Where the log goes ("-" for stderr) and from which level: never into a chat transcript.
    log_file: str = Field(default_factory=lambda: str(VAR_DIR / "log" / "switchboard.log"))
    log_level: str = "WARNING"

    # API keys of the HTTP faces: comma-separated `key:user_id` pairs (CONTRACTS §2). The MCP
    # server over HTTP maps each bearer token to its user id; parsing lives in `switchboard.identity`.
    api_keys: SecretStr | None = None
    # The user an MCP server on stdio acts for (None: `default_user_id`).
    mcp_user_id: str | None = None
    # Credential of the graph's own service connection to the MCP server: it may name the acting
    # user of a call out of band (request `_meta`). Unset: delegation is refused.
    mcp_service_token: SecretStr | None = None
    # Comma-separated host names (beyond loopback and the bound address) that an MCP HTTP server
    # accepts in the `Host` header, e.g. "mcp.example.com,10.0.0.5:8765".
    mcp_allowed_hosts: str = ""
    # The graph's airline specialists call their tools through an MCP client session instead of
    # in-process; `mcp_tools_url` set: a streamable-HTTP server there, else a stdio child process.
    tools_via_mcp: bool = False
    mcp_tools_url: str | None = None

    # Per-user limits on every face (`switchboard.ratelimit`): rates in the `limits` notation
    # ("10/second;60/minute"); turns are assistant turns, inventory and knowledge questions.
    rate_limit_turns: str = "10/10second;120/minute"
    rate_limit_calls: str = "100/10second;1200/minute"
    max_concurrent_turns: int = Field(default=2, ge=1)
    # Where the counters live: `memory://` (per process) or `redis://host:port` (shared by workers).
    rate_limit_storage: str = "memory://"
    # The servers answer a refused request after this long (at most its Retry-After): a client
    # that retries at once is slowed to about one request per connection per second, instead
    # of costing the server a refusal as fast as it can send (0: answer at once).
    rate_limit_delay_s: float = Field(default=1.0, ge=0.0, le=10.0)

    # Checkpoints encrypted at rest (LangGraph's EncryptedSerializer, AES-256-GCM): comma-separated
    # base64 keys of 32 bytes; the first encrypts, every one decrypts (rotation). Unset: plain.
    checkpoint_keys: SecretStr | None = None

    # Text-to-SQL cost bounds (`tools.inventory.cost`), in full scans of the largest inventory
    # table on this engine: a plan estimated above `inventory_max_plan_scans` is refused before it
    # runs; the statement timeout is `inventory_timeout_scans` times one measured full scan, kept
    # within the min and max seconds.
    inventory_max_plan_scans: float = Field(default=20.0, gt=0)
    inventory_timeout_scans: float = Field(default=50.0, gt=0)
    inventory_timeout_min_s: float = Field(default=0.5, gt=0)
    inventory_timeout_max_s: float = Field(default=5.0, gt=0)

    # Web search for travel questions the documents do not answer (Tavily through langchain-tavily):
    # on exactly when a key is present. The URL replaces Tavily's API address (a proxy, a test server).
    tavily_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TAVILY_API_KEY", "SWITCHBOARD_TAVILY_API_KEY")
    )
    web_search_url: str | None = None
    web_search_timeout_s: float = Field(default=8.0, gt=0)
    web_search_max_results: int = Field(default=3, ge=1, le=10)

    # Voice (`switchboard voice`, the web chat's microphone). `auto`: the OpenAI-compatible audio API
    # when `audio_base_url` is set, else the offline engine (Whisper from the `voice` dependency
    # group for speech-to-text, Debian's espeak-ng for text-to-speech); `off` turns one side off.
    stt_engine: Literal["auto", "api", "whisper", "off"] = "auto"
    tts_engine: Literal["auto", "api", "espeak", "off"] = "auto"
    # The audio API's server and key (default: the chat model's OPENAI_BASE_URL and OPENAI_API_KEY).
    audio_base_url: str | None = None
    audio_api_key: SecretStr | None = None
    stt_model: str = "whisper-1"
    tts_model: str = "tts-1"
    tts_voice: str = "alloy"
    audio_timeout_s: float = Field(default=30.0, gt=0)
    # A CTranslate2 Whisper model directory; unset: the multilingual base model of the voice group.
    whisper_model_dir: Path | None = None
    whisper_compute_type: str = "int8"
    # Longest recording accepted (seconds of speech, and bytes of the file as sent).
    max_audio_seconds: float = Field(default=60.0, gt=0)
    max_audio_bytes: int = Field(default=10_000_000, ge=1_000)

    @property
    def web_search_enabled(self) -> bool:
        return self.tavily_api_key is not None and bool(self.tavily_api_key.get_secret_value())

    # The users' time zone unless a run's context names another: "tomorrow" in a message and the
    # first day of the seeded timetable are dates there.
    time_zone: str = DEFAULT_TIME_ZONE
    # A frozen clock (ISO date-time; naive means in `time_zone`) for tests, demos and evaluations;
    # unset: the system clock.
    now: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)  # an unknown name fails here, at start-up, in one line
        except InputError as exc:
            raise ConfigurationError(f"SWITCHBOARD_TIME_ZONE: {exc}") from None
        return value

    @field_validator("now")
    @classmethod
    def _instant(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_instant(value)
            return value.strip()
        return None

    def clock(self) -> Clock:
        """The clock of this process: frozen at `now` when set, else the system clock."""
        return Clock(frozen=self.now, time_zone=self.time_zone)

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    @property
    def embeddings_enabled(self) -> bool:
        key = self.embeddings_api_key or self.openai_api_key
        return bool(self.embeddings_model) and key is not None and bool(key.get_secret_value())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; tests build their own `Settings`)."""
    return Settings()
