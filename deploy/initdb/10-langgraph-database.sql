-- The LangGraph server's own tables (assistants, threads, runs, the run queue) and the
-- conversations' checkpoints get a database of their own, next to the application data in the
-- `switchboard` database (POSTGRES_DB).
CREATE DATABASE langgraph;
