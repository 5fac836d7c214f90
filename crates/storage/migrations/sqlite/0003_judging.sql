-- Judging: the council of a contest, conflicts of interest, assignments and score
-- sheets. Points are integers in hundredths inside the sheet's JSON document.

create table council (
    contest_id integer primary key references contest (contest_id),
    decision_number text not null,
    decision_date text not null,
    updated_at integer not null
);

create table council_member (
    contest_id integer not null references contest (contest_id),
    account_id integer not null references account (account_id),
    role text not null,
    primary key (contest_id, account_id)
);
create index council_member_account_id on council_member (account_id);

create table conflict (
    entry_id integer not null references entry (entry_id),
    account_id integer not null references account (account_id),
    contest_id integer not null references contest (contest_id),
    reason text not null,
    declared_by text not null,
    declared_at integer not null,
    primary key (entry_id, account_id)
);
create index conflict_contest_id on conflict (contest_id);

create table assignment (
    entry_id integer not null references entry (entry_id),
    account_id integer not null references account (account_id),
    contest_id integer not null references contest (contest_id),
    primary key (entry_id, account_id)
);
create index assignment_contest_id_account_id on assignment (contest_id, account_id);

create table score_sheet (
    entry_id integer not null references entry (entry_id),
    account_id integer not null references account (account_id),
    contest_id integer not null references contest (contest_id),
    points text not null,
    comments text not null,
    comment text not null,
    state text not null,
    submitted_at integer,
    updated_at integer not null,
    primary key (entry_id, account_id)
);
create index score_sheet_contest_id on score_sheet (contest_id);

-- Automatic reminders to judges with unfinished sheets, once per (contest, offset)
-- before the end of the evaluation window.
create table judge_reminder_run (
    contest_id integer not null references contest (contest_id),
    offset_days integer not null,
    ran_at integer not null,
    messages integer not null,
    primary key (contest_id, offset_days)
);

-- Bumped by every change to a contest's council, conflicts, assignments or sheets, so
-- computed rankings can be cached and known to be current.
create table judging_version (
    contest_id integer primary key references contest (contest_id),
    version integer not null
);
