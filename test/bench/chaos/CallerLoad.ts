import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsciousMessage } from '../../../src/firecircle/ConsciousMessage.js';
import type { VoiceRoute } from './ChaosClient.js';

/** One caller call as the caller saw it. */
export interface CallSample {
  /** When it started, ms after the load began. */
  readonly startMs: number;
  /** Time to the reply or the rejection (to the drain deadline when `censored`). */
  readonly latencyMs: number;
  /** A reply with text arrived. */
  readonly ok: boolean;
  /** The reply came from the fallback adapter. */
  readonly byFallback: boolean;
  /** Still pending at the drain deadline: counted as a failure, its latency a lower bound. */
  readonly censored: boolean;
  /** Why it failed (error name, status or category), undefined when ok. */
  readonly failure: string | undefined;
}

/**
 * How calls arrive. `open`: at a fixed rate whatever the replies do, so every client gets the
 * same calls at the same instants. `closed`: callers calling back to back with a think time, so a
 * client that answers slowly is asked less often (and its slow period weighs less).
 */
export type LoadShape =
  | { readonly kind: 'open'; readonly ratePerS: number }
  | { readonly kind: 'closed'; readonly callers: number; readonly thinkMs: number };

/** The load of one run. */
export interface CallerLoadOptions {
  readonly shape: LoadShape;
  /** No call starts after this. */
  readonly runMs: number;
  /** How long calls still pending at `runMs` are waited for. */
  readonly drainMs: number;
}

/** The calls of a load, and a promise that settles once every call (censored ones too) has settled. */
export interface CallerLoadResult {
  readonly samples: CallSample[];
  readonly allSettled: Promise<void>;
}

/** What a caller remembers of a failure: the library's category, the HTTP status, or opossum's code. */
export function failureKind(err: unknown): string {
  if (typeof err !== 'object' || err === null) return typeof err;
  const e = err as { name?: unknown; category?: unknown; status?: unknown; code?: unknown };
  // The SDKs' error classes keep the name `Error`; their constructor says more (RateLimitError, …).
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : err.constructor.name;
  if (typeof e.category === 'string') return `${name}:${e.category}`;
  if (typeof e.status === 'number') return `${name} ${e.status}`;
  if (typeof e.code === 'string') return `${name} ${e.code}`;
  return name;
}

function hasText(reply: unknown): reply is ConsciousMessage {
  const text = (reply as { content?: { text?: unknown } } | null | undefined)?.content?.text;
  return typeof text === 'string' && text !== '';
}

/**
 * The calls of one load: each is recorded when it settles, or as a censored failure when the
 * drain deadline passes first (a later settlement is then ignored).
 */
class CallLedger {
  readonly samples: CallSample[] = [];
  readonly #pending = new Map<number, number>();
  readonly #settled: Promise<void>[] = [];
  readonly #origin = performance.now();
  #next = 0;

  /** Time since the load began. */
  elapsed(): number {
    return performance.now() - this.#origin;
  }

  /** Starts a call on `route`; the promise settles with the call (it never rejects). */
  start(route: VoiceRoute, text: string): Promise<void> {
    const id = this.#next++;
    const startMs = this.elapsed();
    this.#pending.set(id, startMs);
    const settled = route.call({ content: { text } }).then(
      (reply) => this.#record(id, route, reply, undefined),
      (error: unknown) => this.#record(id, route, undefined, error ?? new Error('rejected')),
    );
    this.#settled.push(settled);
    return settled;
  }

  /** Waits until every call started so far has settled, or until `deadlineMs` (load time). */
  async drain(deadlineMs: number): Promise<void> {
    const abort = new AbortController();
    await Promise.race([
      this.allSettled(),
      sleep(Math.max(0, deadlineMs - this.elapsed()), undefined, { signal: abort.signal }).catch(
        () => undefined,
      ),
    ]);
    abort.abort();
    const now = this.elapsed();
    for (const startMs of this.#pending.values()) {
      this.samples.push({
        startMs,
        latencyMs: now - startMs,
        ok: false,
        byFallback: false,
        censored: true,
        failure: 'still pending at drain deadline',
      });
    }
    this.#pending.clear();
  }

  /** Settles once every call started so far has settled. */
  allSettled(): Promise<void> {
    return Promise.all(this.#settled).then(() => undefined);
  }

  #record(id: number, route: VoiceRoute, reply: ConsciousMessage | undefined, error: unknown): void {
    const startMs = this.#pending.get(id);
    if (startMs === undefined) return;
    this.#pending.delete(id);
    const ok = error === undefined && hasText(reply);
    this.samples.push({
      startMs,
      latencyMs: this.elapsed() - startMs,
      ok,
      byFallback: ok && reply?.sender === route.fallbackSender,
      censored: false,
      failure: ok ? undefined : error === undefined ? 'reply without text' : failureKind(error),
    });
  }
}

const prompt = (n: number): string => `Turn ${n}: what does the circle see now?`;

/** Open loop: call n starts at n / rate and goes to route n mod routes. */
async function openLoop(
  ledger: CallLedger,
  routes: readonly VoiceRoute[],
  ratePerS: number,
  runMs: number,
): Promise<void> {
  const intervalMs = 1000 / ratePerS;
  for (let n = 0; n * intervalMs < runMs; n++) {
    const wait = n * intervalMs - ledger.elapsed();
    if (wait > 0) await sleep(wait);
    void ledger.start(routes[n % routes.length]!, prompt(n));
  }
}

/** Closed loop: each caller calls, waits for the answer, thinks, calls again; caller c's k-th call goes to route (c + k) mod routes. */
async function closedLoop(
  ledger: CallLedger,
  routes: readonly VoiceRoute[],
  shape: { readonly callers: number; readonly thinkMs: number },
  runMs: number,
  drainDeadlineMs: number,
): Promise<void> {
  const abort = new AbortController();
  const deadline = sleep(drainDeadlineMs, undefined, { signal: abort.signal }).catch(() => undefined);
  const caller = async (c: number): Promise<void> => {
    for (let k = 0; ledger.elapsed() < runMs; k++) {
      await Promise.race([
        ledger.start(routes[(c + k) % routes.length]!, prompt(k * shape.callers + c)),
        deadline,
      ]);
      if (ledger.elapsed() >= drainDeadlineMs) return;
      await sleep(shape.thinkMs);
    }
  };
  await Promise.all(Array.from({ length: shape.callers }, (_, c) => caller(c)));
  abort.abort();
}

/**
 * Open-loop load on several clients side by side on one ticker: at tick n every client starts its call n, and
 * which client goes first rotates with n. Clients each ticking on their own timers start their calls of one
 * instant always in the same order, and the call started first waits for the synchronous start work of those
 * started after it (request building, in one process): with six brains side by side the p50 fell with the
 * position, 2.9 ms for the first started down to 1.7 ms for the last (outage + recovery, 2026-12-06). A closed
 * loop runs each client's callers on their own, as `runCallerLoad` does.
 */
export async function runSideBySide(
  clients: readonly (readonly VoiceRoute[])[],
  options: CallerLoadOptions,
): Promise<CallerLoadResult[]> {
  const { shape } = options;
  if (shape.kind !== 'open') return Promise.all(clients.map((routes) => runCallerLoad(routes, options)));
  const ledgers = clients.map(() => new CallLedger());
  const ticker = ledgers[0]!;
  const intervalMs = 1000 / shape.ratePerS;
  const k = clients.length;
  for (let n = 0; n * intervalMs < options.runMs; n++) {
    const wait = n * intervalMs - ticker.elapsed();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < k; i++) {
      const c = (n + i) % k;
      const routes = clients[c]!;
      void ledgers[c]!.start(routes[n % routes.length]!, prompt(n));
    }
  }
  const drainDeadlineMs = options.runMs + options.drainMs;
  await Promise.all(ledgers.map((ledger) => ledger.drain(drainDeadlineMs)));
  return ledgers.map((ledger) => ({ samples: ledger.samples, allSettled: ledger.allSettled() }));
}

/**
 * Runs the load against the routes for `runMs`, then waits up to `drainMs` for the calls still
 * pending; those left are recorded as censored failures.
 */
export async function runCallerLoad(
  routes: readonly VoiceRoute[],
  options: CallerLoadOptions,
): Promise<CallerLoadResult> {
  const ledger = new CallLedger();
  const drainDeadlineMs = options.runMs + options.drainMs;
  const { shape } = options;
  if (shape.kind === 'open') await openLoop(ledger, routes, shape.ratePerS, options.runMs);
  else await closedLoop(ledger, routes, shape, options.runMs, drainDeadlineMs);
  await ledger.drain(drainDeadlineMs);
  return { samples: ledger.samples, allSettled: ledger.allSettled() };
}
