-- Where a sent reminder or nudge is (the DM's conversation) and which centres it named, so it can be updated when a
-- return arrives ("received") instead of going on saying "not in yet".
ALTER TABLE notification_claims ADD COLUMN conversation_id text;
ALTER TABLE notification_claims ADD COLUMN centre_ids text[];
