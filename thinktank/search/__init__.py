"""Search: one index of what the site shows (recommendations, cases, comments, members),
kept in step with every write, queried with PostgreSQL's full text search or SQLite's FTS5."""
