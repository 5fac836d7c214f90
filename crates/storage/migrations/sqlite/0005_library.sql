-- The public library of initiatives (SPEC §3.8): published entries, their public
-- document, and a folded search text indexed by the engine's own full-text index
-- (here FTS5, one row per library entry with rowid = entry_id).

create table library_entry (
    entry_id integer primary key references entry (entry_id),
    contest_id integer not null references contest (contest_id),
    unit_code text not null,
    topic_code text not null,
    year integer not null,
    tier text,
    title text not null,
    -- An order-preserving text form of the title's Vietnamese collation key.
    title_key text not null,
    document text not null,
    -- Folded words of the title and of the rest of the public text.
    search_title text not null,
    search_body text not null,
    published_at integer not null
);
create index library_entry_contest_id on library_entry (contest_id);
create index library_entry_title_key on library_entry (title_key);

create virtual table library_fts using fts5 (title, body, tokenize = 'unicode61');
