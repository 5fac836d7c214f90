-- Awards: the organizer's list (from the machine's proposal, adjusted with reasons),
-- the approved decision, and the published results with their fingerprint.

create table award_list (
    contest_id bigint primary key references contest (contest_id),
    -- The judging version and contest update time the proposal was computed from; a
    -- list whose basis differs from the current one is stale and cannot be approved.
    basis text not null,
    updated_by text not null,
    updated_at bigint not null
);

create table award (
    contest_id bigint not null references award_list (contest_id),
    entry_id bigint not null references entry (entry_id),
    tier text,
    reason text not null,
    primary key (contest_id, entry_id)
);

create table award_decision (
    contest_id bigint primary key references contest (contest_id),
    number text not null,
    decision_date text not null,
    signer text not null,
    approved_by text not null,
    approved_at bigint not null
);

create table publication (
    contest_id bigint primary key references contest (contest_id),
    published_at bigint not null,
    results text not null,
    fingerprint text not null
);
create index publication_published_at on publication (published_at);
