"""Execution-accuracy evaluation of the inventory text-to-SQL (`python -m evals.inventory`)."""
