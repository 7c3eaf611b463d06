/**
 * Run by methodCap.test.ts in a child process (`node --expose-gc --import tsx`): calls 400,000
 * distinct method names through one wrap of an adapter that answers any name, and prints, as one
 * JSON line, the heap after 1,000 and after 400,000 names (each after a full GC) and the sizes of
 * what the voice keeps per method.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { methodLatencies } from '../../src/resilience/AttemptTimeout.js';
import { pipelineOf, withConsciousness } from '../../src/wrap/withConsciousness.js';

const registry = new Registry();
const infrastructure = new InfrastructureConsciousness({
  registry,
  logger: pino({ level: 'silent' }),
  store: new MemoryStore(),
});
// Answers every name starting with `m` with a method (an RPC stub, a dynamic client).
const anyMethod = new Proxy(
  {},
  {
    get: (_target, key) =>
      typeof key === 'string' && key.startsWith('m') ? async (): Promise<string> => key : undefined,
  },
);
const wrapped = withConsciousness(anyMethod, { infrastructure, name: 'dynamic' }) as Record<
  string,
  () => Promise<string>
>;

async function callNames(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const name = `m${i}`;
    if ((await wrapped[name]!()) !== name) throw new Error(`${name} answered wrongly`);
  }
}

function heap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

const total = Number(process.argv[2] ?? 400_000);
await callNames(0, 1_000);
const after1000 = heap();
await callNames(1_000, total);
const afterAll = heap();
const voice = infrastructure.voice('dynamic');
const metrics = await registry.getMetricsAsJSON();
const callSeries = metrics
  .find((m) => m.name === 'fire_circle_adapter_calls_total')!
  .values.filter((v) => v.labels.adapter === 'dynamic');
const overflows = metrics
  .find((m) => m.name === 'fire_circle_cap_overflows_total')!
  .values.find((v) => v.labels.cap === 'methods')?.value;
const otherCalls = callSeries.find(
  (v) => v.labels.method === 'other' && v.labels.outcome === 'success',
)?.value;
console.log(
  JSON.stringify({
    after1000,
    afterAll,
    methods: voice.methodCount,
    latencies: methodLatencies(voice).size,
    breakers: pipelineOf(wrapped)!.breakers.size,
    callSeries: callSeries.length,
    overflows,
    otherCalls,
    totalCalls: infrastructure.getHealthSignature('dynamic')!.totalCalls,
  }),
);
