/** The chat platforms the bot runs on. */
export type Platform = 'slack' | 'teams';
