/**
 * Greetings and thanks typed on their own ("hi", "Good morning!", "thanks 👍", "ok, thank you so much"). They get
 * a short friendly reply instead of an abstention, and are neither answered from the documents nor logged as a
 * question the documents could not answer. Anything more ("hi, what is Camden Career Club?") is a question.
 */
export type SmallTalk = 'greeting' | 'thanks';

const GREETING = /^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|morning|afternoon)(?: (?:there|all|everyone|team|bot|camden))?$/;
const THANKS =
  /^(?:(?:ok|okay|great|perfect|brilliant|lovely|super|awesome|cool|nice|got it|that's great|that helps)(?: )?)?(?:thanks|thank you|thankyou|thank u|thx|ty|ta|cheers|many thanks|much appreciated)(?: (?:so much|very much|a lot|again|loads|for (?:that|this|the help|your help|the answer)))?(?: (?:bot|camden))?$/;

export function smallTalkOf(text: string): SmallTalk | null {
  const t = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    // Emoji, punctuation and symbols carry the tone, not the meaning.
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t || t.length > 60) return null;
  if (GREETING.test(t)) return 'greeting';
  if (THANKS.test(t)) return 'thanks';
  return null;
}
