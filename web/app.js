// Switchboard web chat: one page over the LangGraph server's API (see api.js).
// Everything the server sends is shown with textContent (and tables built cell by cell with DOM
// methods), never parsed as HTML.

import { Api, ApiError } from "./api.js";

const KEY_STORAGE = "switchboard.apiKey";

// Names of the nodes that answer besides the specialists; the specialists' own names come from
// the server (specialists.json, generated from the specialist registry) when the page starts.
const AGENTS = {
  router: "Router · 路由",
  input_guard: "Input guard · 输入防护",
};

async function loadSpecialistNames() {
  try {
    const response = await fetch("specialists.json", { cache: "no-cache" });
    if (!response.ok) return;
    for (const [agent, title] of Object.entries(await response.json())) {
      AGENTS[agent] = `${title.en} · ${title.zh}`;
    }
  } catch {
    // Without the names, badges show the agents' ids: nothing else depends on them.
  }
}

const STATUS = {
  completed: "completed · 已完成",
  needs_info: "needs info · 需要更多信息",
  awaiting_confirmation: "awaiting confirmation · 等待确认",
  refused: "declined · 已婉拒",
  failed: "not done · 未办理",
};

const $ = (id) => document.getElementById(id);
const el = {
  keyForm: $("key-form"),
  keyInput: $("api-key"),
  forgetKey: $("forget-key"),
  newThread: $("new-thread"),
  menu: $("menu"),
  threadList: $("thread-list"),
  status: $("status"),
  log: $("log"),
  confirm: $("confirm"),
  confirmQuestion: $("confirm-question"),
  yes: $("confirm-yes"),
  no: $("confirm-no"),
  composer: $("composer"),
  message: $("message"),
  send: $("send"),
};

let api = null;
let threadId = null;
let pending = null; // the interrupt the current thread waits on: {question, options}
let busy = false;
let language = "zh"; // of the open conversation (state field `language`), for button answers

function node(tag, className, text) {
  const item = document.createElement(tag);
  if (className) item.className = className;
  if (text !== undefined) item.textContent = text;
  return item;
}

function say(text, isError = false) {
  el.status.textContent = text;
  el.status.classList.toggle("error", isError);
  el.status.setAttribute("role", isError ? "alert" : "status");
}

function explain(error) {
  if (error instanceof ApiError && error.status === 401) return "API key not accepted · 密钥无效";
  if (error instanceof ApiError && error.status === 403) return `Not allowed · 无权限: ${error.message}`;
  if (error instanceof ApiError && error.status === 404) return "Not found · 未找到";
  return `Error · 出错: ${error.message}`;
}

function setBusy(value) {
  busy = value;
  el.send.disabled = value || !api;
  el.yes.disabled = value;
  el.no.disabled = value;
  el.newThread.disabled = value || !api;
  el.log.setAttribute("aria-busy", String(value));
}

// ------------------------------------------------------------------ conversation rendering

function addUser(text) {
  const item = node("li", "msg user");
  item.append(node("span", "who", "You · 您"), node("p", "text", text));
  el.log.append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function addAssistant() {
  const item = node("li", "msg assistant");
  const head = node("div", "meta");
  const steps = node("p", "steps");
  const text = node("div", "text");
  const tools = node("ul", "tools");
  tools.setAttribute("aria-label", "Tools used · 调用的工具");
  item.append(node("span", "who", "Switchboard"), head, steps, text, tools);
  el.log.append(item);
  item.scrollIntoView({ block: "end" });
  return { item, head, steps, text, tools };
}

// A reply may hold tables as aligned text (what the terminal shows); the turn's `tables` field
// carries each one as columns and rows plus that exact text. Where the text stands in the reply,
// the chat shows a real <table> instead; the words around it stay words.
function showReply(view, reply, tables) {
  view.shown = reply;
  view.text.replaceChildren();
  const parts = [];
  let rest = typeof reply === "string" ? reply : "";
  for (const table of Array.isArray(tables) ? tables : []) {
    const at = table && typeof table.text === "string" && table.text ? rest.indexOf(table.text) : -1;
    if (at < 0) continue;
    parts.push(rest.slice(0, at), table);
    rest = rest.slice(at + table.text.length);
  }
  parts.push(rest);
  for (const part of parts) {
    if (typeof part !== "string") {
      view.text.append(buildTable(part));
      continue;
    }
    const words = part.replace(/^\n+|\n+$/g, "");
    if (words) view.text.append(node("p", "prose", words));
  }
}

function buildTable(table) {
  const wrap = node("div", "table-wrap");
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  for (const column of table.columns || []) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = String(column);
    head.append(cell);
  }
  const body = element.createTBody();
  for (const row of table.rows || []) {
    const line = body.insertRow();
    for (const value of Array.isArray(row) ? row : []) line.insertCell().textContent = String(value ?? "");
  }
  wrap.append(element);
  return wrap;
}

function showMeta(view, turn) {
  view.head.replaceChildren();
  if (turn.agent) {
    const badge = node("span", "badge agent", AGENTS[turn.agent] || turn.agent);
    badge.dataset.agent = turn.agent;
    view.head.append(badge);
  }
  if (turn.intent) view.head.append(node("span", "badge intent", turn.intent));
  if (turn.task_status) {
    const badge = node("span", `badge status ${turn.task_status}`, STATUS[turn.task_status] || turn.task_status);
    badge.dataset.status = turn.task_status;
    view.head.append(badge);
  }
  if (turn.guardrail) view.head.append(node("span", "badge guard", `guard · 防护: ${turn.guardrail.name}`));
  view.tools.replaceChildren();
  for (const call of turn.tool_calls || []) {
    const args = Object.entries(call.args || {})
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(", ");
    // A tool that says no ("you already hold that seat", "the flight has left") is an expected
    // answer the reply explains, not a failure of the assistant: shown as information.
    const chip = node("li", call.ok ? "tool ok" : "tool declined", `${call.ok ? "✓" : "ℹ"} ${call.name}(${args})`);
    if (!call.ok) chip.title = "Declined by the service; the reply says why · 服务未办理，原因见回复";
    chip.dataset.tool = call.name;
    view.tools.append(chip);
  }
}

function showConfirmation(interrupt) {
  pending = interrupt;
  el.confirm.hidden = !interrupt;
  if (interrupt) {
    el.confirmQuestion.textContent = interrupt.question || "Confirm? · 确认吗？";
    el.yes.focus();
  }
}

// ------------------------------------------------------------------ one run, streamed

async function run(payload, userText) {
  addUser(userText);
  const view = addAssistant();
  view.item.setAttribute("aria-busy", "true");
  view.steps.textContent = "…";
  showConfirmation(null);
  setBusy(true);
  say("Working · 处理中…");
  const seen = [];
  const turn = {};
  let interrupt = null;
  try {
    for await (const { event, data } of api.streamRun(threadId, payload)) {
      if (event === "error") throw new Error(data?.message || data?.error || "run failed");
      if (event === "updates" && data && typeof data === "object") {
        for (const [step, update] of Object.entries(data)) {
          if (step === "__interrupt__") {
            interrupt = update?.[0]?.value || {};
            continue;
          }
          seen.push(step);
          if (update && typeof update === "object") {
            for (const field of ["agent", "intent", "task_status", "tool_calls", "guardrail", "tables"]) {
              if (field in update) turn[field] = update[field];
            }
            if (typeof update.reply === "string" && update.reply && step === "finalize") {
              showReply(view, update.reply, turn.tables);
            }
          }
          view.steps.textContent = seen.join(" → ");
          showMeta(view, turn);
        }
      }
      if (event === "values" && data && typeof data === "object") {
        if (data.language) language = data.language;
        Object.assign(turn, {
          agent: data.agent,
          intent: data.intent,
          task_status: data.task_status,
          tool_calls: data.tool_calls,
          guardrail: data.guardrail,
          tables: data.tables,
        });
        if (typeof data.reply === "string") showReply(view, data.reply, data.tables);
        showMeta(view, turn);
      }
    }
    interrupt = (await settle(view, turn)) || interrupt;
    say("");
  } catch (error) {
    view.text.textContent = "—";
    say(explain(error), true);
  } finally {
    view.item.removeAttribute("aria-busy");
    view.item.scrollIntoView({ block: "end" });
    setBusy(false);
    showConfirmation(interrupt);
    if (!interrupt) el.message.focus();
    refreshThreads();
  }
}

// The thread's saved state once the run has ended: with several server workers a stream can end
// before the run's last events arrive (docs/server.md), so the reply and a pending confirmation
// shown are the saved ones. Returns the interrupt the thread now waits on, if any.
async function settle(view, turn) {
  const state = await api.threadState(threadId);
  const values = state.values || {};
  if (typeof values.reply === "string" && values.reply !== view.shown) {
    showReply(view, values.reply, values.tables);
    showMeta(view, Object.assign(turn, { agent: values.agent, intent: values.intent, task_status: values.task_status, tool_calls: values.tool_calls, guardrail: values.guardrail }));
  }
  const interrupts = state.interrupts || [];
  return interrupts.length ? interrupts[0].value || {} : null;
}

async function sendMessage(text) {
  if (!threadId) {
    const thread = await api.createThread({ title: text.slice(0, 60) });
    threadId = thread.thread_id;
  }
  // A thread waiting for a confirmation takes the next message as the answer (as the CLI does).
  const payload = pending ? { command: { resume: text } } : { input: { messages: [{ role: "user", content: text }] } };
  await run(payload, text);
}

async function answer(approved) {
  if (!pending || busy) return;
  // The words travel with the button's answer so the reply stays in the conversation's language.
  const words = language === "en" ? (approved ? "yes" : "no") : approved ? "是" : "否";
  await run({ command: { resume: { approved, text: words } } }, approved ? "Yes · 是" : "No · 否");
}

// ------------------------------------------------------------------ threads

async function refreshThreads() {
  if (!api) return;
  try {
    const threads = await api.searchThreads();
    el.threadList.replaceChildren();
    for (const thread of threads) el.threadList.append(threadItem(thread));
    if (!threads.length) el.threadList.append(node("li", "empty", "No conversations yet · 暂无对话"));
  } catch (error) {
    say(explain(error), true);
  }
}

function threadItem(thread) {
  const item = node("li", "thread-item");
  const button = node("button", "thread");
  button.type = "button";
  button.dataset.threadId = thread.thread_id;
  const title = thread.metadata?.title || thread.thread_id.slice(0, 8);
  const when = new Date(thread.updated_at || thread.created_at).toLocaleString();
  button.append(node("span", "title", title), node("time", "when", when));
  if (thread.thread_id === threadId) button.setAttribute("aria-current", "true");
  button.addEventListener("click", () => {
    document.body.classList.remove("menu-open");
    openThread(thread.thread_id);
  });
  const rename = node("button", "icon rename", "✎");
  rename.type = "button";
  rename.setAttribute("aria-label", `Rename · 重命名: ${title}`);
  rename.addEventListener("click", () => startRename(item, thread.thread_id, title));
  const remove = node("button", "icon delete", "✕");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete · 删除: ${title}`);
  remove.addEventListener("click", () => confirmDelete(remove, thread.thread_id));
  remove.addEventListener("blur", () => disarm(remove));
  item.append(button, rename, remove);
  return item;
}

// Renaming: the title becomes a text field; Enter (or leaving it) saves, Escape cancels.
function startRename(item, id, title) {
  const form = node("form", "rename-form");
  const input = node("input");
  input.value = title;
  input.maxLength = 120;
  input.setAttribute("aria-label", "New title · 新标题");
  form.append(input);
  item.replaceChildren(form);
  input.focus();
  input.select();
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const value = input.value.trim();
    if (save && value && value !== title) {
      try {
        await api.renameThread(id, value);
      } catch (error) {
        say(explain(error), true);
      }
    }
    refreshThreads();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    finish(true);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
}

// Deleting takes two clicks: the first arms the button ("Delete?"), the second deletes.
function confirmDelete(button, id) {
  if (!button.classList.contains("armed")) {
    button.classList.add("armed");
    button.textContent = "Delete? · 删除？";
    return;
  }
  disarm(button);
  api
    .deleteThread(id)
    .then(() => {
      if (id === threadId) newThread();
      else refreshThreads();
      say("Conversation deleted · 对话已删除");
    })
    .catch((error) => say(explain(error), true));
}

function disarm(button) {
  button.classList.remove("armed");
  button.textContent = "✕";
}

// Each reply's agent and tools, read from the checkpoint that ended its turn.
function turnsByMessage(history) {
  const byId = new Map();
  for (const checkpoint of history) {
    const values = checkpoint.values || {};
    const last = (values.messages || []).at(-1);
    if (last && last.type === "ai" && last.id && !byId.has(last.id)) byId.set(last.id, values);
  }
  return byId;
}

async function openThread(id) {
  if (busy) return;
  try {
    const [state, history] = await Promise.all([api.threadState(id), api.threadHistory(id)]);
    threadId = id;
    language = state.values?.language || "zh";
    el.log.replaceChildren();
    const turns = turnsByMessage(history);
    for (const message of state.values?.messages || []) {
      const text = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
      if (message.type === "human") addUser(text);
      else if (message.type === "ai") {
        const view = addAssistant();
        const turn = turns.get(message.id) || {};
        showReply(view, text, turn.tables);
        showMeta(view, turn);
      }
    }
    const interrupts = state.interrupts || (state.tasks || []).flatMap((task) => task.interrupts || []);
    if (interrupts.length) {
      const view = addAssistant();
      showReply(view, state.values?.reply || "", state.values?.tables);
      showMeta(view, state.values || {});
    }
    showConfirmation(interrupts[0]?.value || null);
    say("");
    refreshThreads();
  } catch (error) {
    say(explain(error), true);
  }
}

function newThread() {
  threadId = null;
  language = "zh";
  el.log.replaceChildren();
  showConfirmation(null);
  say("New conversation · 新对话");
  refreshThreads();
  el.message.focus();
}

// ------------------------------------------------------------------ key and wiring

function useKey(key) {
  api = key ? new Api(key) : null;
  el.keyInput.value = key || "";
  setBusy(false);
  if (api) {
    say("Ready · 就绪");
    refreshThreads();
  } else {
    el.threadList.replaceChildren();
    say("Enter your API key to start · 请输入 API 密钥");
    el.keyInput.focus();
  }
}

function start() {
  // `make serve` prints /ui/#key=...: take it, keep it in this browser, drop it from the address.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromLink) {
    localStorage.setItem(KEY_STORAGE, fromLink);
    history.replaceState(null, "", location.pathname);
  }
  el.keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = el.keyInput.value.trim();
    localStorage.setItem(KEY_STORAGE, key);
    newThread();
    useKey(key);
  });
  el.forgetKey.addEventListener("click", () => {
    localStorage.removeItem(KEY_STORAGE);
    newThread();
    useKey(null);
  });
  el.newThread.addEventListener("click", () => {
    document.body.classList.remove("menu-open");
    newThread();
  });
  el.menu.addEventListener("click", () => {
    const open = document.body.classList.toggle("menu-open");
    el.menu.setAttribute("aria-expanded", String(open));
  });
  el.yes.addEventListener("click", () => answer(true));
  el.no.addEventListener("click", () => answer(false));
  el.composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = el.message.value.trim();
    if (!text || busy || !api) return;
    el.message.value = "";
    try {
      await sendMessage(text);
    } catch (error) {
      say(explain(error), true);
    }
  });
  el.message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit();
    }
  });
  useKey(localStorage.getItem(KEY_STORAGE));
}

loadSpecialistNames();
start();
