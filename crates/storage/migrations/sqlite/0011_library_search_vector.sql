-- PostgreSQL stores the library's search vector from here on (see its 0011). The FTS5
-- table `library_fts` already keeps SQLite's full-text index: nothing changes here.
select 1;
