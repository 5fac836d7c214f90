-- A counter bumped by every change to the library (entries in or out, adoptions,
-- evidence), so that servers may keep rendered public pages keyed by it.

create table library_version (
    library_version_id integer primary key,
    version integer not null
);
insert into library_version (library_version_id, version) values (1, 0);
