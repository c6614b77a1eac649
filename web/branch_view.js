// The controls of an earlier message in the web chat: "edit and resend" (a new branch from the
// point before it) and, where the thread has other branches from that point, arrows to switch.
// Built with DOM methods and textContent only.

import { alternatives, branchCount, branchTurns, newestLeaf, userMessage } from "./branches.js";

function node(tag, className, text) {
  const item = document.createElement(tag);
  if (className) item.className = className;
  if (text !== undefined) item.textContent = text;
  return item;
}

function button(label, title, onClick) {
  const item = node("button", "quiet", label);
  item.type = "button";
  if (title) item.title = title;
  item.addEventListener("click", onClick);
  return item;
}

// `switchTo(leaf)` shows the branch that ends at `leaf`; `edit()` opens the editor.
export function turnControls(tree, turn, { switchTo, edit }) {
  const bar = node("div", "turn-controls");
  const others = alternatives(tree, turn);
  if (others.length > 1) {
    const at = others.findIndex((other) => other.id === turn.id);
    const nav = node("span", "branch-nav");
    nav.setAttribute("aria-label", "Branches · 分支");
    const step = (delta, label, title) => {
      const item = button(label, title, () => switchTo(newestLeaf(tree, others[at + delta].id)));
      item.disabled = at + delta < 0 || at + delta >= others.length;
      return item;
    };
    nav.append(
      step(-1, "‹", "Previous branch · 上一个分支"),
      node("span", "branch-position", `${at + 1} / ${others.length}`),
      step(1, "›", "Next branch · 下一个分支"),
    );
    bar.append(nav);
  }
  const editButton = button("Edit · 编辑", "Edit and resend from here · 编辑后从这里重新发送", edit);
  editButton.classList.add("edit");
  bar.append(editButton);
  return bar;
}

// An editor in place of the message `body`; `resend(text)` sends the edited text.
export function openEditor(item, body, text, resend) {
  if (item.querySelector("form.edit")) return;
  const form = node("form", "edit");
  const box = node("textarea");
  box.value = text;
  box.rows = 2;
  box.maxLength = 4000;
  box.setAttribute("aria-label", "Edited message · 修改后的消息");
  const send = node("button", "", "Resend · 重新发送");
  send.type = "submit";
  const cancel = button("Cancel · 取消", "", () => {
    form.remove();
    body.hidden = false;
  });
  form.append(box, send, cancel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const edited = box.value.trim();
    if (edited) resend(edited);
  });
  body.hidden = true;
  item.append(form);
  box.focus();
}

// Draw the turns of the branch that ends at `leaf` (null: the thread's newest) with
// `draw.user(text, turn)` and `draw.assistant(values)`. Returns what the page shows besides:
// `waiting` (the proposal waiting at the end of the branch: resumable when the thread stopped
// there for it, else answered by a message) and a `note` about the branches.
export function drawBranch(tree, leaf, draw) {
  const end = leaf || tree.head;
  for (const turn of branchTurns(tree, end)) {
    draw.user(userMessage(turn), turn);
    draw.assistant(turn.values);
  }
  const last = tree.nodes.get(end);
  let waiting = null;
  if (last?.waiting && end === tree.head) {
    waiting = { question: last.interrupt?.question, interrupt: last.interrupt || {} };
  } else if (last?.values?.pending) {
    waiting = { question: last.values.pending.question, interrupt: null };
  }
  const branches = branchCount(tree);
  let note = "";
  if (branches > 1 && leaf && leaf !== tree.head) {
    note = `An earlier branch: a message goes on from here · 较早的分支：新消息将从这里继续 (${branches})`;
  } else if (branches > 1) {
    note = `Branches · 分支: ${branches}`;
  }
  return { waiting, note };
}
