/**
 * Run by perRequestWraps.test.ts in a child process (`node --expose-gc --import tsx`): wraps real
 * OpenAI clients one per "request" and prints the heap after 10 and after 10,000 wraps, each
 * after a full GC, as one JSON line.
 */
import OpenAI from 'openai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';

const infrastructure = new InfrastructureConsciousness({
  registry: new Registry(),
  logger: pino({ level: 'silent' }),
  store: new MemoryStore(),
});

function wrapMany(n: number): void {
  for (let i = 0; i < n; i++) {
    const client = withConsciousness(new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' }), {
      infrastructure,
      name: 'openai',
    });
    // Touch a nested method, as a request handler would before calling it.
    void client.chat.completions.create;
  }
}

function heap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

wrapMany(10);
const after10 = heap();
wrapMany(10_000);
const after10000 = heap();
console.log(JSON.stringify({ after10, after10000 }));
