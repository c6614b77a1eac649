// How the web chat draws what the server sends: badges, tool chips, replies with real tables.
// Everything is shown with textContent (tables built cell by cell with DOM methods), never
// parsed as HTML.

// Names of the nodes that answer besides the specialists; the specialists' own names come from
// the server (specialists.json, generated from the specialist registry) when the page starts.
export const AGENTS = {
  router: "Router · 路由",
  input_guard: "Input guard · 输入防护",
};

export async function loadSpecialistNames() {
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

export const STATUS = {
  completed: "completed · 已完成",
  needs_info: "needs info · 需要更多信息",
  awaiting_confirmation: "awaiting confirmation · 等待确认",
  refused: "declined · 已婉拒",
  failed: "not done · 未办理",
};

export function node(tag, className, text) {
  const item = document.createElement(tag);
  if (className) item.className = className;
  if (text !== undefined) item.textContent = text;
  return item;
}

// A reply may hold tables as aligned text (what the terminal shows); the turn's `tables` field
// carries each one as columns and rows plus that exact text. Where the text stands in the reply,
// the chat shows a real <table> instead; the words around it stay words.
export function showReply(view, reply, tables) {
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

export function showMeta(view, turn) {
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
