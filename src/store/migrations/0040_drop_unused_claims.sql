-- The generic claims table (0001) was never used: platform deliveries are de-duplicated in bot_deliveries
-- (src/bot/deliveries.ts, one policy for Slack and Teams), notifications in notification_claims, returns by their
-- submission keys.
DROP TABLE IF EXISTS claims;
