// The LangGraph server's HTTP API, as the page uses it: JSON requests and SSE run streams over
// fetch (EventSource cannot send a POST body or an Authorization header).

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function errorOf(response) {
  let detail = "";
  try {
    const body = await response.json();
    detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? body);
  } catch {
    detail = response.statusText;
  }
  return new ApiError(response.status, detail);
}

// Split an SSE byte stream into {event, data} records (data parsed as JSON when it is JSON).
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
      const record = parseBlock(block);
      if (record) yield record;
    }
  }
  const last = parseBlock(buffer);
  if (last) yield last;
}

function parseBlock(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null;
  const text = data.join("\n");
  try {
    return { event, data: JSON.parse(text) };
  } catch {
    return { event, data: text };
  }
}

export class Api {
  constructor(key, base = "") {
    this.key = key;
    this.base = base;
  }

  headers() {
    return { "Content-Type": "application/json", Authorization: `Bearer ${this.key}` };
  }

  async request(method, path, body) {
    const response = await fetch(this.base + path, {
      method,
      headers: this.headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await errorOf(response);
    return response.status === 204 ? null : response.json();
  }

  createThread(metadata) {
    return this.request("POST", "/threads", { metadata });
  }

  renameThread(threadId, title) {
    return this.request("PATCH", `/threads/${encodeURIComponent(threadId)}`, { metadata: { title } });
  }

  deleteThread(threadId) {
    return this.request("DELETE", `/threads/${encodeURIComponent(threadId)}`);
  }

  searchThreads() {
    return this.request("POST", "/threads/search", { limit: 50, sort_by: "updated_at", sort_order: "desc" });
  }

  threadState(threadId) {
    return this.request("GET", `/threads/${encodeURIComponent(threadId)}/state`);
  }

  threadHistory(threadId) {
    return this.request("POST", `/threads/${encodeURIComponent(threadId)}/history`, { limit: 200 });
  }

  // A new branch of the thread from an earlier checkpoint: a checkpoint after it, marked
  // `forked_from`, becomes the thread's newest, and the next run continues from there (the
  // database is not rewound; the assistant's next reply says so).
  forkAt(threadId, checkpointId) {
    return this.request("POST", `/threads/${encodeURIComponent(threadId)}/state`, {
      values: { forked_from: checkpointId },
      checkpoint: { checkpoint_id: checkpointId },
      as_node: "finalize",
    });
  }

  // Speech to text: the recording as the body, its type as Content-Type.
  async transcribe(blob) {
    const response = await fetch(`${this.base}/voice/transcribe`, {
      method: "POST",
      headers: { "Content-Type": blob.type || "application/octet-stream", Authorization: `Bearer ${this.key}` },
      body: blob,
    });
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  // Text to speech: a WAV blob.
  async speak(text) {
    const response = await fetch(`${this.base}/voice/speak`, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify({ text }),
    });
    if (!response.ok) throw await errorOf(response);
    return response.blob();
  }

  // One run on a thread: `payload` holds `input` (a new message) or `command` (a resume).
  async *streamRun(threadId, payload) {
    const response = await fetch(`${this.base}/threads/${encodeURIComponent(threadId)}/runs/stream`, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify({ assistant_id: "switchboard", stream_mode: ["updates", "values"], ...payload }),
    });
    if (!response.ok) throw await errorOf(response);
    yield* readEvents(response.body);
  }
}
