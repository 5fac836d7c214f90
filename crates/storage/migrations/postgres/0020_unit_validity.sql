-- Units are dated: the day a unit began (unknown for the units recorded before this
-- rule), the last day it existed, and the unit it was merged into.
alter table unit add column valid_from text;
alter table unit add column valid_to text;
alter table unit add column successor_id bigint references unit (unit_id);
