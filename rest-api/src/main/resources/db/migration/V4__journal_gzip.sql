-- Journal batches are stored gzipped: NDJSON of similar events compresses about tenfold, which
-- keeps a week of retention within reach of one disk and halves the journal's cost per event.
-- Batches written before this keep their text in `events`; new ones have `events_gzip` only.
ALTER TABLE event_journal ALTER COLUMN events SET NULL;
ALTER TABLE event_journal ADD COLUMN events_gzip BLOB;
