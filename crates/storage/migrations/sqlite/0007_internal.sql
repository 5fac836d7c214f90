-- Internal contests (SPEC §3.9): an entry forwarded from a unit's own contest to the
-- parent contest keeps a link to its origin and its internal result.

create table entry_origin (
    entry_id integer primary key references entry (entry_id),
    origin_entry_id integer not null references entry (entry_id),
    origin_contest_id integer not null references contest (contest_id),
    origin_tier text,
    -- The internal score, in hundredths of a point.
    origin_score integer not null,
    forwarded_by text not null,
    forwarded_at integer not null
);
create unique index entry_origin_origin_entry_id on entry_origin (origin_entry_id);
