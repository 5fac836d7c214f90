-- The database keeps two things current itself, one statement fewer for every write that
-- does them (issue 7; the same triggers as SQLite's 0012).

-- The audit chain's head names the last record appended.
create function audit_head_follows() returns trigger language plpgsql as $$
begin
    update audit_head set hash = new.hash where audit_head_id = 1;
    return null;
end
$$;
create trigger audit_head_follows after insert on audit_record
    for each row execute function audit_head_follows();

-- A score sheet written or changed changes its contest's judging version, which a cached
-- ranking is checked against.
create function score_sheet_changed() returns trigger language plpgsql as $$
begin
    insert into judging_version (contest_id, version) values (new.contest_id, 1)
        on conflict (contest_id) do update set version = judging_version.version + 1;
    return null;
end
$$;
create trigger score_sheet_changed after insert or update on score_sheet
    for each row execute function score_sheet_changed();
