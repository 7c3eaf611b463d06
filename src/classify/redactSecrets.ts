import { redactKnownSecrets } from './KnownSecrets.js';

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

// Names whose value is a credential wherever they appear (`x-api-key: …`, `"apiKey":"…"`,
// `MISTRAL_API_KEY=…`, `Ocp-Apim-Subscription-Key: …`, `Incorrect API key provided: …`). A short
// prefix of words (`OPENAI_`, `x-goog-`, `Ocp-Apim-`) may come first; it is bounded so a long
// word costs no backtracking.
const STRONG_NAME =
  String.raw`\b(?:[\w-]{0,40}[-_])?(?:api[-_ ]?key(?:\s+provided)?|subscription[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key|(?:proxy-)?authorization|client[-_]?secret|pass(?:word|wd)|(?:set-)?cookie)` +
  // `AUTH_TOKEN`, `session-token`, `HF_TOKEN`, `GITHUB_SECRET`: token or secret after a word.
  String.raw`|\b[\w-]{0,40}[-_](?:token|secret)|\b(?:access|refresh|id|auth|api|session)token`;
const STRONG_SEPARATOR = String.raw`["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?`;
// Bare `key=` / `token=` (query strings, form bodies, env dumps), also URL-encoded (`%26key%3D…`).
const WEAK_NAME = String.raw`(?:(?<![\w-])|(?<=%26|%3F))(?:key|token|sig|signature|secret|access_token)`;
// A value already redacted is left as it is (redacting twice must not change the text).
const NOT_REDACTED = String.raw`(?!\[REDACTED\])`;
const VALUE = String.raw`(?!(?:(?:bearer|basic|token)\s+)?\[REDACTED\])[^\s"',;&}\]]+`;
const PROVIDER_KEYS = [
  String.raw`(?<![\w-])sk-[a-z0-9][\w*-]*`,
  String.raw`\b(?:sk|pk|rk)_(?:live|test)_[a-z0-9]{8,}`,
  String.raw`\bAIza[\w-]{30,}`,
  String.raw`\b(?:xai|pplx)-[a-z0-9]{16,}`,
  String.raw`\b(?:gsk|hf|r8)_[a-z0-9]{16,}`,
  String.raw`\bgh[pousr]_[a-z0-9]{20,}`,
  String.raw`\bAKIA[0-9A-Z]{16}\b`,
  String.raw`\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*`,
].join('|');

// One alternation so a message is scanned once; the groups tell the replacer what to keep.
// 1-2: a credential-bearing name and its separator (and auth scheme), value dropped.
// 3: the `scheme://user:` prefix of a URL with a password.
// 4: a bare `Bearer <token>` with no header name in front.
// 5: a bare `key=` / `token=` and its (possibly URL-encoded) `=`.
// The remaining alternatives are key shapes of the providers an adapter is likely to call.
const SECRET = new RegExp(
  [
    `(${STRONG_NAME})(${STRONG_SEPARATOR})${VALUE}`,
    String.raw`(\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{1,100}:)[^\s/@]+@`,
    String.raw`\b(bearer)\s+` + NOT_REDACTED + String.raw`[^\s"',;]+`,
    `(${WEAK_NAME}(?:=|%3D))` + NOT_REDACTED + String.raw`[^\s&"']+`,
    PROVIDER_KEYS,
  ].join('|'),
  'gi',
);

const replaceSecret = (
  match: string,
  fieldName: string | undefined,
  separator: string | undefined,
  urlPrefix: string | undefined,
  bearer: string | undefined,
  weakName: string | undefined,
): string => {
  if (fieldName !== undefined) return fieldName + (separator ?? '') + REDACTED;
  if (urlPrefix !== undefined) return urlPrefix + REDACTED + '@';
  if (bearer !== undefined) return bearer + ' ' + REDACTED;
  // Keep the `key=` part so a URL still reads as a URL.
  if (weakName !== undefined) return weakName + REDACTED;
  return REDACTED;
};

/**
 * Replaces API keys, bearer tokens, credential header/field values and the credentials of every
 * wrapped client (see registerSecretsOf) in `text` with `[REDACTED]`. Used for every message the
 * library logs, reports, persists or puts in its own errors.
 */
export function redactSecrets(text: string): string {
  if (typeof text !== 'string') return '';
  // `replace` returns the same string when nothing matches, so clean text costs no allocation.
  return redactKnownSecrets(text.replace(SECRET, replaceSecret));
}

// A segment of 16+ characters with a digit among letters: a token, not a word-like error code.
const TOKEN_SEGMENT = /(?=[^\W_]*\d)(?=[^\W_]*[a-z])[^\W_]{16,}/i;

/**
 * An error `code` fit for logs and labels: `[REDACTED]` when it looks like a token (a key some
 * provider echoed as the code, with no prefix a pattern could know), else the code with any
 * recognised secret redacted.
 */
export function redactCode(code: string): string {
  const redacted = redactSecrets(code);
  return TOKEN_SEGMENT.test(redacted.replace(REDACTED, '')) ? REDACTED : redacted;
}

/** JSON.stringify replacer scrubbing every string value of credentials (keys are left alone). */
export const redactingReplacer = (_key: string, value: unknown): unknown =>
  typeof value === 'string' ? redactSecrets(value) : value;
