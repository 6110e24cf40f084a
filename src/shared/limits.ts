/**
 * Limits people meet, written once. The bot refuses a longer question with a clear message; the knowledge base
 * and the question log cut anything longer to this as a last guard.
 */
export const MAX_QUESTION_CHARS = 2_000;
