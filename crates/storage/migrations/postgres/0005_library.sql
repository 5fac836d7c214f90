-- The public library of initiatives (SPEC §3.8): published entries, their public
-- document, and a folded search text indexed by the engine's own full-text index
-- (here a tsvector of the 'simple' configuration with a GIN index).

create table library_entry (
    entry_id bigint primary key references entry (entry_id),
    contest_id bigint not null references contest (contest_id),
    unit_code text not null,
    topic_code text not null,
    year bigint not null,
    tier text,
    title text not null,
    -- An order-preserving text form of the title's Vietnamese collation key.
    title_key text not null,
    document text not null,
    -- Folded words of the title and of the rest of the public text.
    search_title text not null,
    search_body text not null,
    published_at bigint not null
);
create index library_entry_contest_id on library_entry (contest_id);
create index library_entry_title_key on library_entry (title_key);

create index library_fts on library_entry using gin (
    (setweight(to_tsvector('simple', search_title), 'A') || setweight(to_tsvector('simple', search_body), 'D')));
