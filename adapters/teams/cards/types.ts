/** The slice of the Adaptive Card schema (v1.5, as Teams renders it) that this adapter produces. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardAction[];
  fallbackText?: string;
  msteams?: { width?: 'Full' };
}

export type CardElement = { type: string; id?: string; [key: string]: unknown };

export type CardAction =
  | { type: 'Action.Submit'; title: string; data: SubmitData; style?: 'positive' | 'destructive' | 'default'; associatedInputs?: 'auto' | 'none' }
  | { type: 'Action.OpenUrl'; title: string; url: string };

/** Data returned in `activity.value` when a card's Action.Submit is used; `verb` routes it. */
export interface SubmitData {
  verb: string;
  [key: string]: unknown;
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_VERSION = '1.5';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function card(body: CardElement[], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body, ...extra };
}
