-- The organizer's memo (tờ trình) asking for the awards, once its number and date are
-- known: the decision then cites it in its «Theo đề nghị …» line.
create table award_memo (
    contest_id bigint primary key references contest (contest_id),
    number text not null,
    memo_date text not null,
    recorded_by text not null,
    recorded_at bigint not null
);
