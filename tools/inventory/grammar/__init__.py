"""The passes of the local engine's grammar, one module per kind of phrase.

`tools.inventory.parse` runs them in order over one `Scan` (the question being read): each pass
recognises one kind of phrase and masks what it consumed, and `shape` decides the QuerySpec from
what was recognised and the keywords left over.
"""
