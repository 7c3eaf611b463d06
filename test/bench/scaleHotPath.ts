/**
 * The hot-path sample of `npm run bench:scale`, run in a fresh process: two brains, one without
 * and one with shared state (connected to the Redis given), each wrapping a no-op async adapter.
 * After a warm-up of both, rounds of calls alternate between them (off, on, on, off, …) so that
 * the machine's load, which changes by the second on a shared machine, weighs on both alike; the
 * overhead is the median of the per-pair ratios. Prints one JSON line.
 *
 * argv: <redis url> [pairs = 41] [calls per round = 20000] [first = off | on: which brain is made first]
 */
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { median } from './benchTable.js';

const [redisUrl = '', pairsText = '41', callsText = '20000', first = 'off'] = process.argv.slice(2);
const pairs = Number(pairsText);
const calls = Number(callsText);

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const make = (shared: boolean) => {
  const brain = new InfrastructureConsciousness({
    registry: new Registry(),
    store: new MemoryStore(),
    logger: silent,
    ...(shared ? { shared: { redis: redisUrl, namespace: 'bench-hot' } } : {}),
  });
  const wrapped = withConsciousness(
    { ping: async (x: number) => x + 1 },
    { name: 'noop', infrastructure: brain, timeout: false },
  );
  return { brain, wrapped };
};
const made = first === 'on' ? { on: make(true), off: make(false) } : { off: make(false), on: make(true) };
const { off, on } = made;
const deadline = Date.now() + 10_000;
while (!on.brain.shared!.up) {
  if (Date.now() > deadline) throw new Error('shared state did not connect');
  await new Promise((r) => setTimeout(r, 20));
}

const round = async (wrapped: { ping(x: number): Promise<number> }): Promise<number> => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await wrapped.ping(i);
  return Number(process.hrtime.bigint() - t0) / calls;
};
for (let k = 0; k < 3; k++) {
  await round(off.wrapped);
  await round(on.wrapped);
}
const nsOff: number[] = [];
const nsOn: number[] = [];
const ratios: number[] = [];
for (let k = 0; k < pairs; k++) {
  let a: number;
  let b: number;
  if (k % 2 === 0) {
    a = await round(off.wrapped);
    b = await round(on.wrapped);
  } else {
    b = await round(on.wrapped);
    a = await round(off.wrapped);
  }
  nsOff.push(a);
  nsOn.push(b);
  ratios.push(b / a);
}
await on.brain.shared!.close();
console.log(
  JSON.stringify({ nsOff: median(nsOff), nsOn: median(nsOn), overhead: median(ratios) - 1, ratios }),
);
