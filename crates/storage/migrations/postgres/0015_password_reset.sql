-- «Quên mật khẩu»: a single-use link sent by e-mail. Only the SHA-256 of its token is
-- kept, as for sessions; a link expires (30 minutes) and is spent when used.
create table password_reset (
    token_id text primary key,
    account_id bigint not null references account (account_id),
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);
create index password_reset_account_id on password_reset (account_id);
