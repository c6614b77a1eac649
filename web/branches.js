// A thread's checkpoints as a tree of turns and branches (pure functions, no DOM).
//
// The server writes one checkpoint per turn; a fork ("edit and resend", or continuing another
// branch) adds a checkpoint marked `forked_from` after an earlier one, and the next turn follows
// it. So every checkpoint is a turn or a fork mark, and the thread's branches are the paths from
// the first turn to each leaf. `history` is the server's `/threads/{id}/history` answer.

function idOf(config) {
  return config?.checkpoint_id || config?.configurable?.checkpoint_id || null;
}

export function buildTree(history) {
  const nodes = new Map();
  for (const state of history || []) {
    const id = idOf(state.checkpoint);
    if (!id) continue;
    const values = state.values || {};
    nodes.set(id, {
      id,
      parent: idOf(state.parent_checkpoint),
      values,
      fork: state.metadata?.source === "update",
      waiting: (state.tasks || []).some((task) => (task.interrupts || []).length) || (state.interrupts || []).length > 0,
      interrupt: (state.tasks || []).flatMap((task) => task.interrupts || [])[0]?.value || null,
      children: [],
    });
  }
  for (const node of nodes.values()) {
    const parent = nodes.get(node.parent);
    if (parent) parent.children.push(node.id);
    else node.parent = null; // its parent was deleted (`switchboard gc`): a root
  }
  for (const node of nodes.values()) node.children.sort();
  // Checkpoint ids grow with time (UUID v6): the largest is the thread's newest, its head.
  const head = [...nodes.keys()].sort().at(-1) || null;
  return { nodes, head };
}

// The nearest turn at or above `id` (fork marks are not turns).
function turnAt(tree, id) {
  let node = tree.nodes.get(id);
  while (node && node.fork) node = tree.nodes.get(node.parent);
  return node || null;
}

// The turn before `id`'s turn (null for a first turn).
export function previousTurn(tree, id) {
  const node = tree.nodes.get(id);
  return node ? turnAt(tree, node.parent) : null;
}

// The turns of the branch that ends at `leaf`, first to last.
export function branchTurns(tree, leaf) {
  const turns = [];
  let node = turnAt(tree, leaf);
  while (node) {
    turns.unshift(node);
    node = turnAt(tree, node.parent);
  }
  return turns;
}

// The newest checkpoint at or below `id`: where its branch goes on.
export function newestLeaf(tree, id) {
  let best = id;
  const stack = [id];
  while (stack.length) {
    const node = tree.nodes.get(stack.pop());
    if (!node) continue;
    if (node.id > best) best = node.id;
    stack.push(...node.children);
  }
  return best;
}

// The turns that answered the same earlier point as `turn` (itself included), oldest first:
// the alternatives a user can switch between.
export function alternatives(tree, turn) {
  const before = previousTurn(tree, turn.id);
  const same = [];
  for (const node of tree.nodes.values()) {
    if (node.fork) continue;
    const other = previousTurn(tree, node.id);
    if ((other?.id || null) === (before?.id || null)) same.push(node);
  }
  return same.sort((a, b) => (a.id < b.id ? -1 : 1));
}

// The user's message of a turn: the last human message of its checkpoint.
export function userMessage(turn) {
  const human = (turn.values.messages || []).filter((m) => m.type === "human").at(-1);
  if (!human) return "";
  return typeof human.content === "string" ? human.content : JSON.stringify(human.content);
}

// How many branches the thread has (its leaves).
export function branchCount(tree) {
  return [...tree.nodes.values()].filter((node) => !node.children.length).length;
}
