export type Role = 'oc_lead' | 'network_lead' | 'admin';

export interface Centre {
  /** Lowercase slug used in commands and exports, e.g. "acland-burghley". */
  id: string;
  name: string;
  active: boolean;
  /** Reminders for this centre are paused until (and including) this date, YYYY-MM-DD; null when not paused. */
  remindersPausedUntil: string | null;
  /**
   * Monday (YYYY-MM-DD) of the first week this centre's return is due: the week it was added, or the directory
   * file's `from`. Earlier weeks are never missing. Absent or null: due every week.
   */
  returnsFrom?: string | null;
}

/** How a chat identity came to be linked to its person: the directory file, an email match, an admin's command. */
export type LinkVia = 'file' | 'email' | 'admin';

export interface SlackIdentity {
  user: string;
  team: string;
  linkedVia?: LinkVia;
}

export interface TeamsIdentity {
  aadObjectId: string;
  tenantId: string;
  /** Bot Framework conversation reference (JSON) for proactive messages; stored once the person talks to the bot. */
  conversationReference?: Record<string, unknown> | null;
  /** False once Teams answered 403 (bot removed or blocked). */
  reachable?: boolean;
  linkedVia?: LinkVia;
}

export interface Person {
  id: number;
  name: string;
  email: string;
  roles: Role[];
  /** Centres this person leads (oc_lead). */
  centres: string[];
  slack?: SlackIdentity | null;
  teams?: TeamsIdentity | null;
  /** Set when an admin changed their roles or centres in chat since the directory file last set them. */
  chatChangedAt?: Date;
}

/** Who is talking to the bot, as the platform tells us. */
export type PlatformIdentity =
  | { platform: 'slack'; user: string; team: string }
  | { platform: 'teams'; aadObjectId: string; tenantId: string };

/** A resolved caller: a known person, or plain staff (person null) who may only ask questions. */
export interface Actor {
  identity: PlatformIdentity;
  person: Person | null;
}
