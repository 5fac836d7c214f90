-- The library's search vector, stored: ranking reads it instead of parsing the title and
-- text of every match again (issue 7: a common word over 100,000 initiatives took half a
-- second). The GIN index moves onto the column. SQLite's FTS5 table already stores its
-- index; the column is the one deliberate difference the schema comparison leaves out.

alter table library_entry add column search_vector tsvector
    generated always as (
        setweight(to_tsvector('simple', search_title), 'A') ||
        setweight(to_tsvector('simple', search_body), 'D')) stored;
drop index library_fts;
create index library_fts on library_entry using gin (search_vector);
