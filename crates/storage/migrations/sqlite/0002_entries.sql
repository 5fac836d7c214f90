-- Submission: entries and their immutable versions, attachments (files are stored
-- content-addressed on disk), per-unit extensions, idempotency keys, the outbox and
-- the record of automatic reminder runs.

create table entry (
    entry_id integer primary key,
    contest_id integer not null references contest (contest_id),
    unit_id integer not null references unit (unit_id),
    status text not null,
    title text not null,
    content text not null,
    version integer not null default 0,
    submitted_at integer,
    eligible integer,
    screening_reason text,
    created_by text not null,
    created_at integer not null,
    updated_at integer not null
);
create index entry_contest_id_unit_id on entry (contest_id, unit_id);

create table entry_version (
    entry_id integer not null references entry (entry_id),
    version integer not null,
    content text not null,
    attachments text not null,
    submitted_at integer not null,
    submitted_by text not null,
    primary key (entry_id, version)
);

create table attachment (
    attachment_id integer primary key,
    entry_id integer not null references entry (entry_id),
    kind text not null,
    filename text not null,
    size integer not null,
    sha256 text not null,
    content_type text not null,
    created_by text not null,
    created_at integer not null,
    detached_at integer
);
create index attachment_entry_id on attachment (entry_id);
create index attachment_sha256 on attachment (sha256);

create table extension (
    contest_id integer not null references contest (contest_id),
    unit_id integer not null references unit (unit_id),
    until integer not null,
    reason text not null,
    granted_by text not null,
    granted_at integer not null,
    primary key (contest_id, unit_id)
);

create table idempotency (
    account_id integer not null references account (account_id),
    key text not null,
    request text not null,
    status integer not null,
    body text not null,
    created_at integer not null,
    primary key (account_id, key)
);

create table message (
    message_id integer primary key,
    contest_id integer references contest (contest_id),
    unit_id integer references unit (unit_id),
    account_id integer not null references account (account_id),
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
create index message_account_id on message (account_id);
create index message_state on message (state);
create index message_contest_id_unit_id on message (contest_id, unit_id);

create table reminder_run (
    contest_id integer not null references contest (contest_id),
    offset_days integer not null,
    ran_at integer not null,
    messages integer not null,
    primary key (contest_id, offset_days)
);
