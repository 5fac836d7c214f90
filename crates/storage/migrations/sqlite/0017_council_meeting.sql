-- TT 18/2013 Điều 8: the ủy viên thư ký is a member of the council and scores; the new
-- role `clerk` (thư ký giúp việc) takes the minutes and does not. Existing councils keep
-- their meaning: a `secretary` who did not score becomes a `clerk`.
update council_member set role = 'clerk' where role = 'secretary';

-- The council's meeting on the proposed awards: its date, who was present, and the
-- votes in favour (approval needs two thirds of the voting members).
create table council_meeting (
    contest_id integer primary key references contest (contest_id),
    held_on text not null,
    votes_for integer not null,
    recorded_by text not null,
    recorded_at integer not null
);

create table council_meeting_present (
    contest_id integer not null references council_meeting (contest_id),
    account_id integer not null references account (account_id),
    primary key (contest_id, account_id)
);
