"""The kernel of Switchboard: what every layer may import.

Errors (`errors`), settings (`settings`), text helpers (`text`), identity rules (`identity`), the
intent labels (`intents`) and the typed conversation state and run context (`state`). It imports
no other package of the project; `tools/`, `agents/`, `graphs/` and the faces build on it.
"""
