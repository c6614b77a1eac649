"""Vehicle inventory: the `stores`/`vehicles` tables, their demo data and safe text-to-SQL.

    catalog.py   brands, models, cities and stores the demo stock is drawn from (with Chinese names)
    models.py    the two tables (CONTRACTS §3) and their indexes
    seed.py      deterministic bulk seeding (5,000 to 1,000,000 vehicles)
    schema.py    the allow-list and a description of the schema for prompts and the MCP resource
    lexicon.py   words and phrases (Chinese and English) mapped to canonical values
    dates.py     calendar periods and relative dates against an injected "today"
    spec.py      QuerySpec: the typed meaning of a question
    parse.py     question -> QuerySpec (the local engine's grammar): runs the passes of grammar/
    grammar/     one module per pass (numbers, entities, model years, periods, durations,
                 quantities) over a masked `Scan`, and `shape`, which decides the QuerySpec
    compiler.py  QuerySpec -> SQLAlchemy Core -> SQL text
    guard.py     requests to modify data, raw SQL, references to other tables
    validate.py  sqlglot validation: one SELECT over allow-listed tables and columns, row cap
    execute.py   execution on a read-only connection with a timeout
    explain.py   the reply: a sentence in the user's language plus a small text table
    pipeline.py  guard -> candidates -> validate -> execute -> reflect (bounded) -> explain

Nothing here imports LangChain: the LLM engine lives in `agents/inventory.py` and plugs into the
pipeline as one more candidate source.
"""
