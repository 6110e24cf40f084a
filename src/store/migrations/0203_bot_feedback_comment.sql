-- What a person wrote with their vote (Teams' feedback dialog asks "Tell us more" after a thumbs down): kept with the
-- vote, replaced when they vote again, deleted with it.
ALTER TABLE bot_feedback ADD COLUMN comment text CHECK (comment IS NULL OR length(comment) <= 2000);
