import type { Bot } from '../../src/bot/index.js';
import type { DeliveryGuard } from '../../src/bot/deliveries.js';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';

/** A Teams user as Bot Framework identifies them. */
export interface TeamsUser {
  aadObjectId: string;
  tenantId: string;
}

/** Where conversation references live (the directory's teams_identities table). */
export interface TeamsConversationsPort {
  /** Save the latest personal-chat reference for this user and mark them reachable again. */
  saveReference(user: TeamsUser, reference: Record<string, unknown>): Promise<void>;
  /** Teams answered 403/404 for this user's chat: stop trying until they talk to the bot again. */
  markUnreachable(user: TeamsUser): Promise<void>;
}

/** Teams message id -> stored answer id, so Teams' own feedback buttons can be recorded (teams_answer_messages). */
export interface AnswerMessagesPort {
  remember(conversationId: string, activityId: string, answerId: string): Promise<void>;
  answerFor(conversationId: string, activityId: string): Promise<string | null>;
}

export type TeamsConfig = Pick<
  Config,
  'MICROSOFT_APP_ID' | 'MICROSOFT_APP_PASSWORD' | 'MICROSOFT_APP_TENANT_ID' | 'MICROSOFT_APP_TYPE' | 'TEAMS_LOCAL_DEV' | 'NODE_ENV'
>;

export interface SendPolicyOptions {
  /** Attempts per send, including the first (default 4). */
  maxAttempts?: number;
  /** First backoff delay when Teams gives no Retry-After (default 1000 ms; doubles per attempt, with jitter). */
  baseDelayMs?: number;
  /** Longest single wait; a longer Retry-After is handed to the caller as NotifierError('rate_limited') (default 30 s). */
  maxDelayMs?: number;
  /**
   * Longest wait for Teams to answer one attempt (default 15 s). Past it the send is given up as
   * NotifierError('unknown') and not retried: Teams may have delivered it.
   */
  attemptTimeoutMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface TeamsAdapterDeps {
  config: TeamsConfig;
  bot: Bot;
  conversations: TeamsConversationsPort;
  /** Activity de-duplication: a redelivered message is answered once (the core's one policy, src/bot/deliveries.ts). */
  deliveries: DeliveryGuard;
  /**
   * With it, answers use Teams' native feedback buttons (the teams-ai feedback loop) instead of card buttons.
   * Without it, the card carries Helpful / Not helpful buttons.
   */
  answerMessages?: AnswerMessagesPort;
  logger: Logger;
  /**
   * Bot Connector base URL for channel posts, which carry no serviceUrl of their own.
   * Default: Microsoft's global Teams endpoint.
   */
  channelServiceUrl?: string;
  sendPolicy?: SendPolicyOptions;
  /**
   * Test hook: OpenID metadata URLs used to validate inbound JWTs (the real Bot Framework ones by default).
   * Lets tests check token rejection against a local key set without reaching the internet.
   */
  openIdMetadataUrl?: string;
  /**
   * Longest wait for the sign-in check (Microsoft's OpenID metadata and keys, fetched once a day) before answering
   * 503 (ms, default 10 s): a slow or unreachable key service must not hold requests open.
   */
  authTimeoutMs?: number;
}
