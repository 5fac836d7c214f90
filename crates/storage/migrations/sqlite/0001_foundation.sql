-- Foundation: units, accounts, sessions, contests, settings, audit chain.
-- Instants are integer UTC seconds; flags are integers 0/1 (see docs/DECISIONS.md).

create table unit (
    unit_id integer primary key,
    code text not null,
    name text not null,
    kind text not null,
    parent_id integer references unit (unit_id),
    active integer not null default 1,
    created_at integer not null,
    constraint unit_code_unique unique (code)
);

create table account (
    account_id integer primary key,
    username text not null,
    full_name text not null,
    password_hash text not null,
    role text not null,
    unit_id integer not null references unit (unit_id),
    email text,
    position text,
    active integer not null default 1,
    created_at integer not null,
    constraint account_username_unique unique (username)
);

create table session (
    session_id text primary key,
    account_id integer not null references account (account_id),
    kind text not null,
    csrf_token text not null,
    created_at integer not null,
    expires_at integer not null
);
create index session_account_id on session (account_id);

create table login_attempt (
    login_attempt_id integer primary key,
    username text not null,
    address text not null,
    at integer not null,
    success integer not null
);
create index login_attempt_username_at on login_attempt (username, at);
create index login_attempt_address_at on login_attempt (address, at);

create table contest (
    contest_id integer primary key,
    title text not null,
    year integer not null,
    organizer_unit_id integer not null references unit (unit_id),
    state text not null,
    opens_at integer not null,
    submission_deadline integer not null,
    settings text not null,
    created_at integer not null,
    updated_at integer not null
);

create table contest_participant (
    contest_id integer not null references contest (contest_id),
    unit_id integer not null references unit (unit_id),
    primary key (contest_id, unit_id)
);
create index contest_participant_unit_id on contest_participant (unit_id);

create table setting (
    key text primary key,
    value text not null
);

create table audit_record (
    audit_record_id integer primary key,
    at integer not null,
    actor text,
    action text not null,
    object_type text not null,
    object_id text not null,
    contest_id integer,
    before text,
    after text,
    prev_hash text not null,
    hash text not null
);
create index audit_record_contest_id on audit_record (contest_id);

create table audit_head (
    audit_head_id integer primary key,
    seq integer not null,
    hash text not null
);
insert into audit_head (audit_head_id, seq, hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
