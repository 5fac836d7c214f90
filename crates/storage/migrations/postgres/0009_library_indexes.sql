-- Library lists without a query: newest first, or one year.

create index library_entry_published_at on library_entry (published_at);
create index library_entry_year_published_at on library_entry (year, published_at);
