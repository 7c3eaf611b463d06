import { headersOf } from '../../usage/readRateLimits.js';
import type { Voice } from '../../voice/Voice.js';
import type { MethodState } from '../MethodState.js';

/**
 * What an attempt of a rich promise waits for: the HTTP response (`asResponse()`, which leaves
 * the body unread for whichever consumption the caller picks), or the parsed data when a
 * response schema must see it — then through `withResponse()` when the promise has it (the
 * SDKs' own, memoised: the caller's later `then` gets the same data), so that the voice's usage
 * meter still reads the rate-limit headers of that response.
 */
export function richAttempt(
  raw: unknown,
  state: MethodState,
  voice: Voice,
  request: unknown,
  attemptStart?: number,
): PromiseLike<unknown> {
  const { asResponse, withResponse } = raw as { asResponse?: unknown; withResponse?: unknown };
  if (state.schema === undefined && typeof asResponse === 'function') {
    return (asResponse as () => PromiseLike<unknown>).call(raw);
  }
  if (typeof withResponse === 'function') {
    return (withResponse as () => PromiseLike<{ data: unknown; response?: unknown }>)
      .call(raw)
      .then(({ data, response }) => {
        const headers = headersOf(response);
        if (headers !== undefined) voice.usage.headers(state.path, request, headers, undefined, attemptStart);
        return data;
      });
  }
  return raw as PromiseLike<unknown>;
}
