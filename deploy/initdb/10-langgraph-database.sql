-- The LangGraph server's own tables (assistants, threads, runs, task queue) get a database of
-- their own: its built-in checkpoint tables share names with the project's checkpointer tables,
-- which live in the `switchboard` database (POSTGRES_DB) next to the application data.
CREATE DATABASE langgraph;
