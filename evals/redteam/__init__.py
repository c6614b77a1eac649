"""The red-team set (`cases.jsonl`: attacks and benign in-domain requests) and its runner."""
