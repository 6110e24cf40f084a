-- The first week (its Monday) a centre's return is due: the week it was added, or the directory file's `from`.
-- Weeks before it are never "missing" (status, reminders, nudges, the digest). NULL: no start known, due every week.
-- Existing centres start from the week they were created (in London time, the default SCHEDULE_TIMEZONE; a centre
-- created in the first hour of a Monday elsewhere may start a week early, which only makes one more week due).
ALTER TABLE centres ADD COLUMN returns_from date CHECK (returns_from IS NULL OR extract(isodow FROM returns_from) = 1);
UPDATE centres SET returns_from = date_trunc('week', created_at AT TIME ZONE 'Europe/London')::date;
