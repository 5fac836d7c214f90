-- Replication ("nhân rộng", SPEC §3.8): a unit records that it adopted an initiative of
-- the library.

create table adoption (
    adoption_id integer primary key,
    entry_id integer not null references entry (entry_id),
    unit_id integer not null references unit (unit_id),
    adopted_on text not null,
    scope text not null,
    result text not null,
    created_by text not null,
    created_at integer not null
);
create index adoption_entry_id on adoption (entry_id);
create index adoption_unit_id on adoption (unit_id);
