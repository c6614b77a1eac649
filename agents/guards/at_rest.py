"""Personal data masked in a user's message before the turn keeps it (state, checkpoints, tools).

`ingest` replaces the turn's message with `stored_message(message)` when it holds a card number
or another personal identifier (`switchboard.privacy.mask_at_rest`): the router, the specialists,
the tools and the checkpoint only ever see the masked text. The faces mask first as well (the run
input a server stores, the arguments of MCP tools); masking twice changes nothing.
"""

from __future__ import annotations

from langchain_core.messages import BaseMessage

from switchboard.privacy import mask_deep, mask_text


def stored_message(message: BaseMessage) -> BaseMessage | None:
    """`message` with personal data masked, or None when there is nothing to mask."""
    content = message.content
    masked = mask_text(content) if isinstance(content, str) else mask_deep(content)
    if masked == content:
        return None
    return message.model_copy(update={"content": masked})
