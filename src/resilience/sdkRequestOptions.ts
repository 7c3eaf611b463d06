import { keepShape } from '../base/keepShape.js';
import type { Attempt } from './CallServices.js';
import type { MethodState } from './MethodState.js';
/**
 * Clients that retry by themselves (the official SDKs: a numeric `maxRetries`, per-request
 * options as the method's parameter named `options`). The wrapper owns retries for them: each
 * attempt goes out with `{ maxRetries: 0 }` and an AbortSignal (the caller's signal combined with
 * the attempt's deadline) merged into that method's request options, so the number of upstream
 * requests is what the user configured and a timed-out attempt closes its request.
 */

/** The retry budget a client configured for itself, or undefined for clients that do not retry. */
export function clientMaxRetries(client: unknown): number | undefined {
  if ((typeof client !== 'object' && typeof client !== 'function') || client === null) return undefined;
  const value = (client as { maxRetries?: unknown }).maxRetries;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

const PARAMS = /^[^(]*\(([^)]*)\)/;

/**
 * Position of a method's request-options parameter (the SDKs name it `options`), or -1. Read
 * once per method from its parameter list: the SDKs' methods differ in where it is
 * (`create(body, options)`, `list(options)`, `retrieve(id, params, options)`).
 */
export function requestOptionsIndex(fn: (...args: never[]) => unknown): number {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return -1;
  }
  const params = PARAMS.exec(source)?.[1];
  if (params === undefined) return -1;
  const names = params.split(',').map((p) => p.split('=')[0]!.trim());
  return names.indexOf('options');
}

/** The arguments of one attempt: the caller's, with retries off and the attempt's signal merged in. */
export function attemptArgs(args: readonly unknown[], index: number, signal: AbortSignal): unknown[] {
  const copy = args.slice();
  while (copy.length <= index) copy.push(undefined);
  const given = copy[index];
  const options = typeof given === 'object' && given !== null ? (given as { signal?: unknown }) : {};
  const callerSignal = options.signal instanceof AbortSignal ? options.signal : undefined;
  copy[index] = {
    ...options,
    maxRetries: 0,
    signal: callerSignal === undefined ? signal : AbortSignal.any([callerSignal, signal]),
  };
  return copy;
}

// The request options of a call that gave none, kept (see `keepShape`): the objects made by the spread
// above get their shape from transitions that a full collection frees when no call is in flight.
keepShape(attemptArgs([{}], 1, new AbortController().signal));

/** The model a request names (`body.model`), for per-model breakers and timeouts. */
export function requestModel(args: readonly unknown[]): string | undefined {
  const body = args[0];
  if (typeof body !== 'object' || body === null) return undefined;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' && model.length > 0 ? model : undefined;
}

/**
 * A started attempt. A class, not an object literal: a per-call literal's allocation site can be
 * pretenured by V8, and then holds its call's objects into the old generation (see `Winner`).
 */
class StartedAttempt implements Attempt {
  constructor(
    readonly raw: unknown,
    readonly controller: AbortController | undefined,
  ) {}
}
// One kept, so that its shape outlives full collections (see `keepShape`).
keepShape(new StartedAttempt(undefined, undefined));

/**
 * Calls the method for one attempt. With `ownsRetries` (the client retries by itself), SDK
 * resource methods get retries off and the attempt's signal in their request options.
 */
export function startAttempt(
  ownsRetries: boolean,
  owner: object,
  fn: (...a: unknown[]) => unknown,
  state: MethodState,
  args: unknown[],
): Attempt {
  if (!ownsRetries || state.kind === 'helper') return new StartedAttempt(fn.apply(owner, args), undefined);
  let index = state.optionsIndex;
  if (index === undefined) {
    // Request options exist on the SDKs' resource methods (client.chat.completions.create), not
    // on the client's own methods (withOptions(options) must not get a signal merged in).
    index = state.optionsIndex = state.path.includes('.') ? requestOptionsIndex(fn) : -1;
  }
  if (index < 0) return new StartedAttempt(fn.apply(owner, args), undefined);
  const controller = new AbortController();
  return new StartedAttempt(fn.apply(owner, attemptArgs(args, index, controller.signal)), controller);
}
