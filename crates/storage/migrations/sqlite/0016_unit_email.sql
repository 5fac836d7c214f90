-- A unit's own mailbox: reminders and notices go there when the unit has no focal
-- user. Such a message has no account, so `message.account_id` becomes optional;
-- SQLite cannot drop a NOT NULL, so the table is rebuilt with the same rows.
alter table unit add column email text;

create table message_new (
    message_id integer primary key,
    contest_id integer references contest (contest_id),
    unit_id integer references unit (unit_id),
    account_id integer references account (account_id),
    kind text not null,
    subject text not null,
    body text not null,
    email text,
    state text not null,
    attempts integer not null default 0,
    last_error text,
    claimed_by text,
    claimed_at integer,
    created_at integer not null,
    sent_at integer,
    read_at integer
);
insert into message_new
    select message_id, contest_id, unit_id, account_id, kind, subject, body, email, state,
           attempts, last_error, claimed_by, claimed_at, created_at, sent_at, read_at
    from message;
drop table message;
alter table message_new rename to message;
create index message_account_id on message (account_id);
create index message_state on message (state);
create index message_contest_id_unit_id on message (contest_id, unit_id);
