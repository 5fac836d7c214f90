-- The database keeps two things current itself, one statement fewer for every write that
-- does them (issue 7: on SQLite each statement is a round trip to the connection's
-- thread, and the one write connection waits through them).

-- The audit chain's head names the last record appended.
create trigger audit_head_follows after insert on audit_record
begin
    update audit_head set hash = new.hash where audit_head_id = 1;
end;

-- A score sheet written or changed changes its contest's judging version, which a cached
-- ranking is checked against.
create trigger score_sheet_inserted after insert on score_sheet
begin
    insert into judging_version (contest_id, version) values (new.contest_id, 1)
        on conflict (contest_id) do update set version = version + 1;
end;

create trigger score_sheet_updated after update on score_sheet
begin
    insert into judging_version (contest_id, version) values (new.contest_id, 1)
        on conflict (contest_id) do update set version = version + 1;
end;
