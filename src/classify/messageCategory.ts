import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

// All patterns are compiled once, case-insensitive, without the `g` flag (so `test` keeps no
// state) and without nested quantifiers (no catastrophic backtracking on hostile messages).

/** A message saying the prompt does not fit the model's context window. */
export const CONTEXT_WINDOW_MESSAGE =
  /context[ _-]?(?:length|window)|maximum context|prompt is too long|too many tokens|input is too long|exceeds the (?:model's )?max(?:imum)? (?:context|input|number of tokens)|reduce the length of the (?:messages|prompt|input)|request[ _]too[ _]large/i;

/** A message saying a content filter or safety system refused the request or the answer. */
export const CONTENT_POLICY_MESSAGE =
  /content[ _-]?(?:filter|policy|management)|\bsafety\b|responsible ?ai|\bflagged\b|moderation|usage polic|prohibited[ _]content/i;

/** A 429 that is an exhausted quota or balance, which waiting does not fix. */
export const QUOTA_MESSAGE = /exceeded your current quota|insufficient[ _]quota|credit balance is too low/i;

/** A 5xx whose body says the provider is overloaded. */
export const OVERLOADED_MESSAGE = /overloaded|at capacity/i;

/** A cockatiel TaskCancelledError raised by a timeout policy rather than a cancellation. */
export const TIMED_OUT_MESSAGE = /timed? ?out|timeout/i;

// "Error code: 429 - {...}" (Python SDKs), "status code 503", "HTTP 502": a status only in text.
const STATUS_IN_MESSAGE = /\b(?:error code|status(?: code)?|http(?:\/\d(?:\.\d)?)?)[:= ]{1,3}([45]\d\d)\b/i;

// Checked in this order: specific signals before generic ones. The runtime's own fixed wordings
// come first, so "Cannot read properties of undefined (reading 'context_length')" stays a None
// return; "'NoneType' object has no attribute" is a None return, not a missing method; "aborted
// due to timeout" is a timeout.
const MESSAGE_PATTERNS: readonly (readonly [RegExp, ErrorCategory])[] = [
  [
    /cannot find (?:module|package)|does not provide an export named|no module named|cannot import name|module ?not ?found|failed to resolve (?:module|import)|is not defined by "exports"|err_module_not_found/i,
    'import_failure',
  ],
  [/breaker is open|circuit (?:breaker )?(?:is )?open|eopenbreaker/i, 'circuit_open'],
  [
    /nonetype|cannot read propert(?:y|ies) of (?:undefined|null)|is not iterable|(?:undefined|null) is not an object|cannot destructure|cannot convert undefined or null to object/i,
    'api_return_none',
  ],
  [
    /is not a function|has no attribute|object is not callable|is not a constructor|no such method/i,
    'api_method_missing',
  ],
  [CONTEXT_WINDOW_MESSAGE, 'context_window'],
  [CONTENT_POLICY_MESSAGE, 'content_policy'],
  [QUOTA_MESSAGE, 'auth'],
  [/rate[ _-]?limit|too many requests|resource[ _]exhausted|throttl/i, 'rate_limited'],
  [/overloaded|service unavailable|temporarily unavailable|at capacity|server is busy/i, 'overloaded'],
  [
    /socket hang up|fetch failed|failed to fetch|network ?error|econnreset|econnrefused|enotfound|eai_again|epipe|ehostunreach|enetunreach|getaddrinfo|connection (?:error|reset|refused|closed|lost)|other side closed|premature close/i,
    'network',
  ],
  [/timed? ?out|timeout|etimedout|deadline exceeded/i, 'timeout'],
  [/\babort(?:ed)?\b|aborterror|\bcancell?ed\b/i, 'aborted'],
  [
    /\bunauthori[sz]ed\b|invalid[ _-]?(?:x-)?api[ _-]?key|incorrect api key|api key not valid|authentication[ _](?:error|failed)|permission[ _]denied|\bforbidden\b/i,
    'auth',
  ],
  [
    /unexpected end of json|is not valid json|in json at position|json\.parse|invalid json|unexpected token\b[^\n]{0,80}\bjson\b/i,
    'invalid_response',
  ],
  [/internal server error|bad gateway|\bserver[ _]error\b|\bapi_error\b/i, 'server_error'],
  [
    /\bbad request\b|invalid_request_error|unprocessable entity|model[ _]not[ _]found|not_found_error/i,
    'bad_request',
  ],
];

// Long messages (a response body pasted into an error) are scanned only this far.
const SCAN_LIMIT = 4000;

/** The category a message's wording points to, or undefined when it says nothing recognisable. */
export function messageCategory(message: string): ErrorCategory | undefined {
  const text = message.length > SCAN_LIMIT ? message.slice(0, SCAN_LIMIT) : message;
  for (const [pattern, category] of MESSAGE_PATTERNS) {
    if (pattern.test(text)) return category;
  }
  return undefined;
}

/** An HTTP error status quoted in a message ("Error code: 429 - ..."), or undefined. */
export function statusInMessage(message: string): number | undefined {
  const text = message.length > SCAN_LIMIT ? message.slice(0, SCAN_LIMIT) : message;
  const found = STATUS_IN_MESSAGE.exec(text);
  return found?.[1] === undefined ? undefined : Number(found[1]);
}
