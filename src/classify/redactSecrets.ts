/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

// One alternation so a message is scanned once; the groups tell the replacer what to keep.
// 1-2: a credential-bearing header or field name and its separator (and auth scheme), value dropped.
// 3: the `scheme://user:` prefix of a URL with a password.
// 4: a bare `Bearer <token>` with no header name in front.
// The remaining alternatives are key shapes of the providers an adapter is likely to call.
const SECRET =
  /(\b(?:proxy-)?authorization|\bx-(?:goog-)?api-key|\b(?:anthropic|openai)-api-key|\bapi[-_]?key|\b(?:access|refresh|id|auth|api|session)[-_]?token|\bclient[-_]?secret|\bpass(?:word|wd)|\b(?:set-)?cookie)(["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?)[^\s"',;&}\]]+|(\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{1,100}:)[^\s/@]+@|\b(bearer)\s+[^\s"',;]+|[?&](?:key|sig|signature|token)=[^\s&"']+|(?<![\w-])sk-[a-z0-9][\w*-]*|\b(?:sk|pk|rk)_(?:live|test)_[a-z0-9]{8,}|\bAIza[\w-]{30,}|\b(?:xai|pplx)-[a-z0-9]{16,}|\b(?:gsk|hf|r8)_[a-z0-9]{16,}|\bgh[pousr]_[a-z0-9]{20,}|\bAKIA[0-9A-Z]{16}\b|\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/gi;

const replaceSecret = (
  match: string,
  fieldName: string | undefined,
  separator: string | undefined,
  urlPrefix: string | undefined,
  bearer: string | undefined,
): string => {
  if (fieldName !== undefined) return fieldName + (separator ?? '') + REDACTED;
  if (urlPrefix !== undefined) return urlPrefix + REDACTED + '@';
  if (bearer !== undefined) return bearer + ' ' + REDACTED;
  // Keep the `?key=` / `&sig=` part so the URL still reads as a URL.
  const eq = match.charCodeAt(0) === 63 || match.charCodeAt(0) === 38 ? match.indexOf('=') : -1;
  return eq === -1 ? REDACTED : match.slice(0, eq + 1) + REDACTED;
};

/**
 * Replaces API keys, bearer tokens and credential header/field values in `text` with `[REDACTED]`.
 * Used for every message the library logs or reports.
 */
export function redactSecrets(text: string): string {
  if (typeof text !== 'string') return '';
  // `replace` returns the same string when nothing matches, so clean text costs no allocation.
  return text.replace(SECRET, replaceSecret);
}
