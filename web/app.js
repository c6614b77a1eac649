// Switchboard web chat: one page over the LangGraph server's API (see api.js).
// Everything the server sends is shown with textContent (and tables built cell by cell with DOM
// methods), never parsed as HTML.

import { Api, ApiError } from "./api.js";
import { buildTree } from "./branches.js";
import { drawBranch, openEditor, turnControls } from "./branch_view.js";
import { loadSpecialistNames, node, showMeta, showReply } from "./render.js";
import { setupVoice } from "./voice.js";

const KEY_STORAGE = "switchboard.apiKey";

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
  mic: $("mic"),
};

let api = null;
let threadId = null;
let pending = null; // what the thread waits on: {question, interrupt} (branch_view.js)
let tree = null; // the open thread's checkpoints as turns and branches (branches.js)
let shownLeaf = null; // the last checkpoint of the branch on screen (null: the thread's newest)
let busy = false;
let language = "zh"; // of the open conversation (state field `language`), for button answers

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
  el.mic.disabled = value || !api;
  el.yes.disabled = value;
  el.no.disabled = value;
  el.newThread.disabled = value || !api;
  el.log.setAttribute("aria-busy", String(value));
}

// ------------------------------------------------------------------ conversation rendering

function addUser(text, turn = null, spoken = false) {
  const item = node("li", "msg user");
  const body = node("p", "text", text);
  item.append(node("span", "who", "You · 您"), body);
  if (spoken) markSpoken(item);
  if (turn) {
    // Earlier messages: edit and resend (a new branch), arrows between branches (branch_view.js).
    const edit = () => !busy && openEditor(item, body, text, (edited) => !busy && resendFrom(turn, edited));
    item.append(turnControls(tree, turn, { switchTo: showBranch, edit }));
  }
  el.log.append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function markSpoken(item) {
  if (!item) return;
  item.classList.add("spoken");
  item.querySelector(".who").textContent = "You (spoken) · 您（语音）";
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

// `waiting`: {question, interrupt}; `interrupt` is null when the proposal waits on a branch that
// is not the thread's newest: a message answers it there (it cannot be resumed).
function showConfirmation(waiting) {
  pending = waiting;
  el.confirm.hidden = !waiting;
  if (waiting) {
    el.confirmQuestion.textContent = waiting.question || "Confirm? · 确认吗？";
    el.yes.focus();
  }
}

// ------------------------------------------------------------------ one run, streamed

// Returns the reply's text once the run has ended ("—" when it failed).
async function run(payload, userText, spoken = false) {
  shownLeaf = null; // a run goes on from the thread's newest checkpoint (a fork made it so)
  addUser(userText, null, spoken);
  const view = addAssistant();
  view.item.setAttribute("aria-busy", "true");
  view.steps.textContent = "…";
  showConfirmation(null);
  setBusy(true);
  say("Working · 处理中…");
  const seen = [];
  const turn = {};
  let interrupt = null;
  let replyText = "—";
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
              replyText = update.reply;
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
        if (typeof data.reply === "string") {
          replyText = data.reply;
          showReply(view, data.reply, data.tables);
        }
        showMeta(view, turn);
      }
    }
    interrupt = (await settle(view, turn)) || interrupt;
    if (typeof view.savedReply === "string") replyText = view.savedReply;
    say("");
  } catch (error) {
    view.text.textContent = "—";
    replyText = "—";
    say(explain(error), true);
  } finally {
    view.item.removeAttribute("aria-busy");
    view.item.scrollIntoView({ block: "end" });
    setBusy(false);
    showConfirmation(interrupt && { question: interrupt.question, interrupt });
    if (!interrupt) el.message.focus();
    refreshThreads();
  }
  await loadTree(); // the new turn on its branch, with its controls
  // The log was redrawn from the thread's history, which does not know the message was spoken.
  if (spoken) markSpoken([...el.log.querySelectorAll("li.msg.user")].at(-1));
  return replyText;
}

// The thread's saved state once the run has ended: with several server workers a stream can end
// before the run's last events arrive (docs/server.md), so the reply and a pending confirmation
// shown are the saved ones. Returns the interrupt the thread now waits on, if any.
async function settle(view, turn) {
  const state = await api.threadState(threadId);
  const values = state.values || {};
  if (typeof values.reply === "string") view.savedReply = values.reply;
  if (typeof values.reply === "string" && values.reply !== view.shown) {
    showReply(view, values.reply, values.tables);
    showMeta(view, Object.assign(turn, { agent: values.agent, intent: values.intent, task_status: values.task_status, tool_calls: values.tool_calls, guardrail: values.guardrail }));
  }
  const interrupts = state.interrupts || [];
  return interrupts.length ? interrupts[0].value || {} : null;
}

async function sendMessage(text, { spoken = false } = {}) {
  if (!threadId) {
    const thread = await api.createThread({ title: text.slice(0, 60) });
    threadId = thread.thread_id;
  }
  if (tree && shownLeaf && shownLeaf !== tree.head) {
    await api.forkAt(threadId, shownLeaf); // the branch on screen goes on: a fork from its end
    return run(messageInput(text), text, spoken);
  }
  // A thread waiting for a confirmation takes the next message as the answer (as the CLI does).
  return run(pending?.interrupt ? { command: { resume: text } } : messageInput(text), text, spoken);
}

function messageInput(text) {
  return { input: { messages: [{ role: "user", content: text }] } };
}

// "Edit and resend": the conversation goes back to the point before `turn` and goes on with
// `text` as a new branch. A first message has no point before it: a new conversation.
async function resendFrom(turn, text) {
  try {
    if (!turn.parent) {
      newThread();
      await sendMessage(text);
      return;
    }
    showBranch(turn.parent);
    await api.forkAt(threadId, turn.parent);
    await run(messageInput(text), text);
  } catch (error) {
    say(explain(error), true);
  }
}

async function answer(approved) {
  if (!pending || busy) return;
  // The words travel with the button's answer so the reply stays in the conversation's language.
  const words = language === "en" ? (approved ? "yes" : "no") : approved ? "是" : "否";
  if (!pending.interrupt) return sendMessage(words); // waiting on an earlier branch: a message
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

// The open thread's turns from its history (one checkpoint per turn), as the branch on screen.
async function loadTree() {
  if (!threadId) return;
  try {
    tree = buildTree(await api.threadHistory(threadId));
    if (shownLeaf && !tree.nodes.has(shownLeaf)) shownLeaf = null;
    if (!busy) showBranch(shownLeaf);
  } catch (error) {
    say(explain(error), true);
  }
}

// Draw the branch that ends at `leaf` (null or the thread's newest: where it goes on).
function showBranch(leaf) {
  if (busy || !tree) return;
  shownLeaf = leaf === tree.head ? null : leaf;
  el.log.replaceChildren();
  const shown = drawBranch(tree, shownLeaf, {
    user: (text, turn) => addUser(text, turn),
    assistant: (values) => {
      const view = addAssistant();
      showReply(view, values.reply || "", values.tables);
      showMeta(view, values);
      view.steps.textContent = (values.path || []).join(" → ");
    },
  });
  showConfirmation(shown.waiting);
  if (shown.note) say(shown.note);
}

async function openThread(id) {
  if (busy) return;
  try {
    threadId = id;
    shownLeaf = null;
    tree = buildTree(await api.threadHistory(id));
    language = tree.nodes.get(tree.head)?.values?.language || "zh";
    say("");
    showBranch(null);
    refreshThreads();
  } catch (error) {
    say(explain(error), true);
  }
}

function newThread() {
  threadId = null;
  tree = null;
  shownLeaf = null;
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
  setupVoice({ button: el.mic, getApi: () => api, isBusy: () => busy, sendMessage, say, explain });
  useKey(localStorage.getItem(KEY_STORAGE));
}

loadSpecialistNames();
start();
