-- The authors' sworn statement (lời cam đoan, TT 18/2013 mẫu đơn), as ticked at the
-- submission that wrote the version. Versions written before the rule have none.
alter table entry_version add column sworn text;
