-- The audit chain's head takes its seq from the record appended as well as its hash, so
-- an append on SQLite can be one checked insert on the head it expects (issue 7; see
-- `audit::append`). On the long way the head's seq was already raised to the same value.
drop trigger audit_head_follows;
create trigger audit_head_follows after insert on audit_record
begin
    update audit_head set seq = new.audit_record_id, hash = new.hash where audit_head_id = 1;
end;
