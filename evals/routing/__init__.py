"""Routing sets, harm sets, policy questions and injected requests run through the whole assistant
(`python -m evals.routing`); see `evals.routing.__main__`."""
