import { MethodLatency } from '../../src/resilience/AttemptTimeout.js';
import type { MethodState } from '../../src/resilience/MethodState.js';

/** Metric cells that record nothing. */
export function noCells(): MethodState['cells'] {
  return { error() {}, call() {}, fallback() {}, firstChunk() {} } as unknown as MethodState['cells'];
}

/** A method's state as the resolver makes it for `chat.completions.create` (async, no schema), with overrides. */
export function methodState(overrides: Partial<MethodState> = {}): MethodState {
  return {
    path: 'chat.completions.create',
    key: 'create',
    cells: noCells(),
    schema: undefined,
    accepts: undefined,
    chunkSchema: undefined,
    contractAsync: false,
    alias: undefined,
    syncStream: false,
    lastGood: undefined,
    defensiveOk: true,
    kind: 'async',
    richPrototype: undefined,
    latency: new MethodLatency(),
    deadlines: undefined,
    deadlinesModel: undefined,
    timeoutRefreshAt: 0,
    clientAttempts: undefined,
    optionsIndex: undefined,
    ...overrides,
  };
}
