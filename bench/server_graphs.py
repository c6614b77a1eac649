"""The baseline graph a server benchmark serves beside the assistant (`bench.server_bench`).

`bare` is the bench suite's three-node graph (`bench.baseline.bare_graph`): LangGraph's own cost per
turn, with the server's checkpointer (injected by the server, as for the assistant) and LangGraph's
default durability. Served on the same server as the assistant, it is the baseline of the
server figures: same engine, queue, database and machine at the same moment.
"""

from __future__ import annotations

from bench.baseline import bare_graph

bare = bare_graph().compile(name="bare")
