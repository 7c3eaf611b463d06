/** One HTTP request the emulator received, from its arrival to the end of its connection's use. */
export interface ExchangeRecord {
  /** 1-based arrival number of the HTTP request (every request, including 404s and /_lab/stats). */
  readonly id: number;
  /** `METHOD /path`, e.g. `POST /v1/chat/completions` (query string left out). */
  readonly endpoint: string;
  /** When the request arrived, by the emulator's clock (ms since the emulator started). */
  readonly startedAtMs: number;
  /** When the response finished or the connection closed; undefined while the request is open. */
  endedAtMs: number | undefined;
  /**
   * Position of the start in the sequence of all request starts and ends. Ticks order events the
   * clock cannot (same millisecond): `b.startTick > a.endTick` means b arrived after a ended.
   */
  readonly startTick: number;
  /** Position of the end in the same sequence; undefined while the request is open. */
  endTick: number | undefined;
  /** HTTP status sent, undefined when no header was sent (hang, reset, closed while waiting). */
  status: number | undefined;
  /** True when the client closed the connection before the emulator finished its answer. */
  closedByClient: boolean;
}

/** How a request's connection ended. */
export interface ExchangeEnd {
  /** The whole response was written. */
  readonly answered: boolean;
  /** The emulator itself cut the connection (reset, stream cut, close()). */
  readonly closedByServer: boolean;
  /** Status sent, if any. */
  readonly status: number | undefined;
}

/**
 * The lifecycle of every HTTP request (start, end, who closed it), bounded like the stats history,
 * so tests can count upstream requests per endpoint and see that a cancelled request was closed.
 */
export class ExchangeLog {
  #nextId = 0;
  #tick = 0;
  #open = 0;
  #records: ExchangeRecord[] = [];
  #idleWaiters: (() => void)[] = [];
  readonly #limit: number;

  /** Keeps at most `limit` records (oldest dropped first). */
  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Records the arrival of a request; returns its record, to be passed to {@link end}. */
  start(endpoint: string, atMs: number): ExchangeRecord {
    const record: ExchangeRecord = {
      id: ++this.#nextId,
      endpoint,
      startedAtMs: atMs,
      endedAtMs: undefined,
      startTick: ++this.#tick,
      endTick: undefined,
      status: undefined,
      closedByClient: false,
    };
    this.#open++;
    if (this.#limit > 0) {
      this.#records.push(record);
      if (this.#records.length > this.#limit) this.#records.shift();
    }
    return record;
  }

  /** Records the end of a request's connection use (called once, on the response's `close`). */
  end(record: ExchangeRecord, atMs: number, how: ExchangeEnd): void {
    record.endedAtMs = atMs;
    record.endTick = ++this.#tick;
    record.status = how.status;
    record.closedByClient = !how.answered && !how.closedByServer;
    this.#open--;
    if (this.#open === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  /** Copies of the records, oldest first; only those of `endpoint` (`METHOD /path`) when given. */
  list(endpoint?: string): ExchangeRecord[] {
    const chosen =
      endpoint === undefined ? this.#records : this.#records.filter((r) => r.endpoint === endpoint);
    return chosen.map((r) => ({ ...r }));
  }

  /** Resolves once no request is open (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.#open === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}
