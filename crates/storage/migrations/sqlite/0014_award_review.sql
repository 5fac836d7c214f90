-- The organizer submits the award list to the approver, who may return it with a reason
-- (SPEC §3.6). One row per contest: its latest submission or return. A list changed after
-- it was submitted is no longer the one submitted, so the change removes a submission; a
-- return stays, with its reason, until the organizer submits again.
create table award_review (
    contest_id integer primary key references contest (contest_id),
    status text not null check (status in ('submitted', 'returned')),
    reason text not null,
    acted_by text not null,
    acted_at integer not null
);
