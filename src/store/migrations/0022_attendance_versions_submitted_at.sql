-- The digest lists returns amended since its week began, however old their week.
CREATE INDEX attendance_return_versions_submitted_at_idx ON attendance_return_versions (submitted_at);
