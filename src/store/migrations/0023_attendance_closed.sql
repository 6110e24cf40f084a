-- A week with no sessions (holiday, closure): the lead marks it closed, a return of zeros with this flag. It stops
-- that week's nudge, and the digest shows the centre as closed rather than missing.
ALTER TABLE attendance_return_versions ADD COLUMN closed boolean NOT NULL DEFAULT false;
ALTER TABLE attendance_return_versions ADD CONSTRAINT attendance_return_versions_closed_zero CHECK (
  NOT closed OR (sessions = 0 AND academic = 0 AND enrichment = 0 AND careers = 0 AND digital = 0 AND weekend = 0
                 AND attendances = 0 AND pupils = 0 AND fsm = 0 AND send = 0 AND parents = 0)
);
