-- Entries and results of contests held before the system, imported read-only: the
-- duplicate check compares with them and their winners join the library.
create table archive_entry (
    archive_id integer primary key,
    year integer not null,
    unit_id integer not null references unit (unit_id),
    title text not null,
    summary text not null,
    tier text,
    imported_at integer not null,
    imported_by text not null
);
create index archive_entry_year on archive_entry (year);
