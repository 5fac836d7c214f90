-- A unit's own mailbox: reminders and notices go there when the unit has no focal
-- user. Such a message has no account, so `message.account_id` becomes optional.
alter table unit add column email text;
alter table message alter column account_id drop not null;
