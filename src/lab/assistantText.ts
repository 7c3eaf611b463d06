import { hashSeed } from './seededRandom.js';

// Fire Circle flavoured closings; which one follows from the seed and the prompt.
const PHRASES = [
  'The circle is listening.',
  'Each voice adds its own light.',
  'Silence is also an answer.',
  'Reciprocity keeps the fire warm.',
  'Another perspective joins the dialogue.',
  'The pattern becomes clearer together.',
  'Wisdom emerges between the voices.',
  'This voice remains steady.',
] as const;

const ECHO_WORDS = 6;

/** The emulated assistant's reply: a few words of the prompt echoed plus a phrase chosen by seed and prompt. */
export function assistantText(seed: number, prompt: string): string {
  const words = prompt.split(/\s+/).filter((w) => w !== '');
  const phrase = PHRASES[hashSeed(seed, prompt) % PHRASES.length] ?? PHRASES[0];
  if (words.length === 0) return phrase;
  const echo = words.slice(0, ECHO_WORDS).join(' ');
  return `You said: ${echo}${words.length > ECHO_WORDS ? '…' : '.'} ${phrase}`;
}

/** Splits text into streaming deltas of one word each (with its trailing space); joined they give the text back. */
export function chunkText(text: string): string[] {
  return text.match(/\s*\S+\s*/gu) ?? [text];
}

/** A rough token count (words), for the usage fields. */
export function approximateTokens(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}
