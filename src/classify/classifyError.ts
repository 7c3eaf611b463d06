import type { Clock } from '../clock/Clock.js';
import { brandedCategory } from '../errors/ConsciousnessError.js';
import type { Classification, ClassifyContext } from './Classification.js';
import { codeCategory } from './codeCategory.js';
import { isErrorCategory, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { MAX_CAUSE_DEPTH, nextCause, readPrototype, readProperty, readString } from './guardedRead.js';
import {
  CONTENT_POLICY_MESSAGE,
  CONTEXT_WINDOW_MESSAGE,
  OVERLOADED_MESSAGE,
  QUOTA_MESSAGE,
  TIMED_OUT_MESSAGE,
  messageCategory,
  statusInMessage,
} from './messageCategory.js';
import { nameCategory } from './nameCategory.js';
import { redactCode, redactSecrets } from './redactSecrets.js';
import { readRetryAfterMs } from './retryAfter.js';
import { asErrorStatus, statusCategory } from './statusCategory.js';

type Draft = { -readonly [K in keyof Classification]: Classification[K] };

const EMPTY_CONTEXT: ClassifyContext = Object.freeze({});
const LAST_RESORT: Classification = Object.freeze({
  category: 'unknown',
  message: 'unclassifiable error',
  errorName: 'unknown',
});

const MAX_MESSAGE_LENGTH = 300;
const MAX_NAME_LENGTH = 100;
const MESSAGE_SCAN_LIMIT = 4000;
// Enough for `MyError -> RateLimitError -> APIError -> OpenAIError -> Error`.
const MAX_PROTOTYPE_DEPTH = 6;
// Newlines, tabs and runs of spaces collapse to one space: a message is one log line.
const WHITESPACE_RUN = / *[\r\n\t\f\v]\s*| {2,}/g;
// What Classification.code reports from a `code`-like field: an identifier, not a number or prose.
const CODE_SHAPE = /^[A-Za-z][\w.:-]{0,63}$/;

// Where SDKs and runtimes put an error code, per link of the cause chain. The first four are
// "code" fields proper; the rest are type/status strings (anthropic `type`, Google `error.status`).
const CODE_PATHS: readonly (readonly string[])[] = [
  ['code'],
  ['errno'],
  ['errorCode'],
  ['error', 'code'],
  ['type'],
  ['error', 'type'],
  ['error', 'error', 'type'],
  ['error', 'status'],
  ['status'],
];
const CODE_FIELD_COUNT = 4;

const QUOTA_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'billing_error',
  'billing_hard_limit_reached',
]);

const isKnownCode = (code: string): boolean => codeCategory(code) !== undefined;
const isReportableCode = (code: string): boolean => CODE_SHAPE.test(code);
const isPayloadCode = (code: string): boolean => {
  const category = codeCategory(code);
  return category === 'context_window' || category === 'content_policy';
};
const isQuotaCode = (code: string): boolean => QUOTA_CODES.has(code.toLowerCase());
const isOverloadedCode = (code: string): boolean => codeCategory(code) === 'overloaded';

/**
 * Maps any thrown value to one category of the taxonomy (docs/architecture.md, Error taxonomy), reading in order: user
 * classifiers, our own error types, HTTP status, error codes, SDK error class names, message
 * wording. Pure and total: it never throws, whatever getters or Proxies the value hides.
 */
export function classifyError(err: unknown, ctx?: ClassifyContext): Classification {
  try {
    const context = ctx ?? EMPTY_CONTEXT;
    const decided = fromUserClassifiers(err, context);
    if (decided !== undefined) return decided;
    const status = findStatus(err);
    const phase = readProperty(context, 'phase');
    const category = adjustForPhase(builtInCategory(err, status, phase), phase);
    return describe(err, category, status, context);
  } catch {
    return LAST_RESORT;
  }
}

function fromUserClassifiers(err: unknown, ctx: ClassifyContext): Classification | undefined {
  let classifiers: readonly unknown[];
  let count: number;
  try {
    const list = readProperty(ctx, 'classifiers');
    if (!Array.isArray(list)) return undefined;
    classifiers = list;
    count = list.length;
  } catch {
    return undefined; // a Proxy posing as the list: no usable classifiers
  }
  for (let i = 0; i < count; i++) {
    const classifier = readProperty(classifiers, i);
    if (typeof classifier !== 'function') continue;
    let verdict: unknown;
    try {
      verdict = classifier(err, ctx);
    } catch {
      continue; // A broken classifier must not break error handling.
    }
    if (isErrorCategory(verdict)) return describe(err, verdict, findStatus(err), ctx);
    const category = readProperty(verdict, 'category');
    if (isErrorCategory(category)) {
      return mergeVerdict(verdict as object, describe(err, category, findStatus(err), ctx));
    }
  }
  return undefined;
}

// A partial verdict overrides what we found, field by field, once each field is checked.
function mergeVerdict(verdict: object, found: Draft): Classification {
  const status = readProperty(verdict, 'status');
  if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) {
    found.status = status;
  }
  const code = readString(verdict, 'code');
  if (code !== undefined) found.code = redactCode(code).slice(0, 64);
  const retryAfterMs = readProperty(verdict, 'retryAfterMs');
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    found.retryAfterMs = retryAfterMs;
  }
  const message = readString(verdict, 'message');
  if (message !== undefined) found.message = tidyMessage(message);
  const errorName = readString(verdict, 'errorName');
  if (errorName !== undefined) found.errorName = errorName.slice(0, MAX_NAME_LENGTH);
  return found;
}

function builtInCategory(err: unknown, status: number | undefined, phase: unknown): ErrorCategory {
  const branded = findBranded(err);
  if (branded !== undefined) return branded;
  const byStatus = status === undefined ? undefined : statusCategory(status);
  if (byStatus !== undefined) return refine(byStatus, err);
  const code = findCode(err, 0, CODE_PATHS.length, isKnownCode);
  if (code !== undefined) return refine(codeCategory(code) ?? 'unknown', err);
  const byName = findNamed(err, phase);
  if (byName !== undefined) return refine(byName, err);
  return findInMessages(err) ?? 'unknown';
}

// After the first chunk nothing can be replayed transparently, so every failure but the
// caller's own abort is an interrupted stream. While loading, code that throws is a broken
// adapter module: ESM caches the failed evaluation, so retrying the import cannot help.
function adjustForPhase(category: ErrorCategory, phase: unknown): ErrorCategory {
  if (phase === 'stream') return category === 'aborted' ? category : 'stream_interrupted';
  if (
    phase === 'load' &&
    (category === 'unknown' ||
      category === 'api_return_none' ||
      category === 'api_method_missing' ||
      category === 'invalid_response')
  ) {
    return 'import_failure';
  }
  return category;
}

// A status or code names the family; the body can say more: a 400 that is a context-window or
// content-policy refusal, a 429 that is an exhausted quota, a 500 that is an overload.
function refine(category: ErrorCategory, err: unknown): ErrorCategory {
  switch (category) {
    case 'bad_request': {
      const code = findCode(err, 0, CODE_PATHS.length, isPayloadCode);
      if (code !== undefined) return codeCategory(code) ?? category;
      if (anyMessageMatches(err, CONTEXT_WINDOW_MESSAGE)) return 'context_window';
      if (anyMessageMatches(err, CONTENT_POLICY_MESSAGE)) return 'content_policy';
      return category;
    }
    case 'rate_limited':
      return findCode(err, 0, CODE_PATHS.length, isQuotaCode) !== undefined ||
        anyMessageMatches(err, QUOTA_MESSAGE)
        ? 'auth'
        : category;
    case 'server_error':
      return findCode(err, 0, CODE_PATHS.length, isOverloadedCode) !== undefined ||
        anyMessageMatches(err, OVERLOADED_MESSAGE)
        ? 'overloaded'
        : category;
    default:
      return category;
  }
}

function findBranded(err: unknown): ErrorCategory | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObjectLike(e); depth++) {
    let category: unknown;
    try {
      category = brandedCategory(e);
    } catch {
      category = undefined;
    }
    if (isErrorCategory(category)) return category;
    e = nextCause(e);
  }
  return undefined;
}

function findStatus(err: unknown): number | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObjectLike(e); depth++) {
    const status = statusOf(e);
    if (status !== undefined) return status;
    e = nextCause(e);
  }
  return undefined;
}

function statusOf(e: unknown): number | undefined {
  const direct = asErrorStatus(readProperty(e, 'status')) ?? asErrorStatus(readProperty(e, 'statusCode'));
  if (direct !== undefined) return direct;
  const response = readProperty(e, 'response');
  const fromResponse =
    asErrorStatus(readProperty(response, 'status')) ?? asErrorStatus(readProperty(response, 'statusCode'));
  if (fromResponse !== undefined) return fromResponse;
  // AWS SDK v3 (Bedrock) keeps it in $metadata; Google bodies put the HTTP status in a numeric `code`.
  const aws = asErrorStatus(readProperty(readProperty(e, '$metadata'), 'httpStatusCode'));
  if (aws !== undefined) return aws;
  const code = readProperty(e, 'code');
  if (typeof code === 'number') return asErrorStatus(code);
  const bodyCode = readProperty(readProperty(e, 'error'), 'code');
  return typeof bodyCode === 'number' ? asErrorStatus(bodyCode) : undefined;
}

/** The first string at CODE_PATHS[from..to) along the cause chain that `accept` takes. */
function findCode(
  err: unknown,
  from: number,
  to: number,
  accept: (code: string) => boolean,
): string | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObjectLike(e); depth++) {
    for (let i = from; i < to; i++) {
      const path = CODE_PATHS[i] as readonly string[];
      let value: unknown = e;
      for (let k = 0; k < path.length && value !== undefined; k++)
        value = readProperty(value, path[k] as string);
      if (typeof value === 'string' && value.length > 0 && value.length <= 64 && accept(value)) return value;
    }
    e = nextCause(e);
  }
  return undefined;
}

function findNamed(err: unknown, phase: unknown): ErrorCategory | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObjectLike(e); depth++) {
    // `name` first: DOMException's constructor is DOMException, its name is AbortError/TimeoutError.
    const own = readString(e, 'name');
    const byOwnName = own === undefined ? undefined : categoryOfName(own, e, phase);
    if (byOwnName !== undefined) return byOwnName;
    // Then the class chain, most derived first: a user subclass of RateLimitError still counts.
    let proto = readPrototype(e);
    for (let level = 0; level < MAX_PROTOTYPE_DEPTH && isObjectLike(proto); level++) {
      const name = readString(readProperty(proto, 'constructor'), 'name');
      const byClass = name === undefined ? undefined : categoryOfName(name, e, phase);
      if (byClass !== undefined) return byClass;
      proto = readPrototype(proto);
    }
    e = nextCause(e);
  }
  return undefined;
}

function categoryOfName(name: string, e: unknown, phase: unknown): ErrorCategory | undefined {
  if (name === 'SyntaxError') return phase === 'load' ? 'import_failure' : undefined;
  const category = nameCategory(name);
  // cockatiel's timeout policy reports itself as a cancellation.
  if (name === 'TaskCancelledError') {
    const message = readString(e, 'message');
    if (message !== undefined && TIMED_OUT_MESSAGE.test(message)) return 'timeout';
  }
  return category;
}

function findInMessages(err: unknown): ErrorCategory | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && e !== undefined && e !== null; depth++) {
    const message = messageText(e);
    if (message !== undefined) {
      const status = statusInMessage(message);
      const byStatus = status === undefined ? undefined : statusCategory(status);
      if (byStatus !== undefined) return refine(byStatus, err);
      const category = messageCategory(message);
      if (category !== undefined) return category;
    }
    e = nextCause(e);
  }
  return undefined;
}

function anyMessageMatches(err: unknown, pattern: RegExp): boolean {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && e !== undefined && e !== null; depth++) {
    const message = messageText(e);
    if (message !== undefined && pattern.test(clip(message))) return true;
    e = nextCause(e);
  }
  return false;
}

// The wording of one link: a thrown string, an Error's message, or an API body's error.message.
function messageText(e: unknown): string | undefined {
  if (typeof e === 'string') return e.length > 0 ? e : undefined;
  return readString(e, 'message') ?? readString(readProperty(e, 'error'), 'message');
}

function describe(
  err: unknown,
  category: ErrorCategory,
  status: number | undefined,
  ctx: ClassifyContext,
): Draft {
  const errorName = nameOf(err);
  const found: Draft = { category, message: summarize(err, errorName), errorName };
  if (status !== undefined) found.status = status;
  const code =
    findCode(err, 0, CODE_FIELD_COUNT, isReportableCode) ?? findCode(err, 0, CODE_PATHS.length, isKnownCode);
  if (code !== undefined) found.code = redactCode(code);
  const retryAfterMs = readRetryAfterMs(err, clockOf(ctx));
  if (retryAfterMs !== undefined) found.retryAfterMs = retryAfterMs;
  return found;
}

function clockOf(ctx: ClassifyContext): Clock {
  const clock = readProperty(ctx, 'clock');
  return typeof clock === 'function' ? (clock as Clock) : Date.now;
}

function nameOf(err: unknown): string {
  if (err === null) return 'null';
  const type = typeof err;
  if (type !== 'object' && type !== 'function') return type;
  const name = readString(readProperty(err, 'constructor'), 'name');
  if (name === undefined) return type;
  return name.length > MAX_NAME_LENGTH ? name.slice(0, MAX_NAME_LENGTH) : name;
}

// The first non-empty wording along the chain (Node's AggregateError has an empty message).
function summarize(err: unknown, errorName: string): string {
  if (!isObjectLike(err)) return tidyMessage(typeof err === 'string' ? err : String(err)) || errorName;
  let e: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && e !== undefined && e !== null; depth++) {
    const message = messageText(e);
    if (message !== undefined) return tidyMessage(message);
    e = nextCause(e);
  }
  return errorName;
}

/** Short, single-line, secret-free: what may go into a log line or a metric label's neighbour. */
function tidyMessage(text: string): string {
  let t = text;
  if (t.length > MESSAGE_SCAN_LIMIT) {
    t = t.slice(0, MESSAGE_SCAN_LIMIT);
    // Do not leave the head of a cut-off token (possibly a key) where no pattern recognises it.
    const lastSpace = t.lastIndexOf(' ');
    if (lastSpace > MESSAGE_SCAN_LIMIT - 200) t = t.slice(0, lastSpace);
  }
  t = redactSecrets(t).replace(WHITESPACE_RUN, ' ').trim();
  if (t.length <= MAX_MESSAGE_LENGTH) return t;
  let cut = MAX_MESSAGE_LENGTH - 1;
  const last = t.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // never split a surrogate pair
  return t.slice(0, cut) + '…';
}

function clip(message: string): string {
  return message.length > MESSAGE_SCAN_LIMIT ? message.slice(0, MESSAGE_SCAN_LIMIT) : message;
}

function isObjectLike(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}
