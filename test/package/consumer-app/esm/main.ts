// A strict ESM consumer of the packed package: wraps an SDK client and a Fire Circle adapter,
// runs them against the lab emulator on loopback and prints what it saw as one JSON line.
import OpenAI from 'openai';
import { Registry } from 'prom-client';
import {
  InfrastructureConsciousness,
  importAdapter,
  startMetricsServer,
  withConsciousness,
  type Classifier,
  type FallbackValueContext,
} from 'infrastructure-consciousness';
import {
  OpenAICompatibleAdapter,
  createMessage,
  type ConsciousMessage,
} from 'infrastructure-consciousness/firecircle';
import { startProviderEmulator } from 'infrastructure-consciousness/lab';
import type { LocalAdapter } from './localAdapter.js';

const emulator = await startProviderEmulator({
  scenario: {
    name: 'consumer',
    seed: 3,
    phases: [
      { atMs: 0, model: 'lab-teapot', faults: [{ kind: 'status', code: 418 }] },
      { atMs: 0, model: 'lab-down', faults: [{ kind: 'status', code: 500 }] },
    ],
  },
});
const brain = new InfrastructureConsciousness({
  registry: new Registry(),
  config: { enablePersistence: false },
});
const retry = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 };
const voice = (model: string): OpenAICompatibleAdapter =>
  new OpenAICompatibleAdapter({
    provider: 'deepseek',
    apiKey: 'sk-consumer',
    baseURL: emulator.openaiBaseURL,
    model,
  });

// A user classifier reading the SDK error's status: 418 is an overloaded teapot, worth a fallback.
const teapot: Classifier = (err) => (err.status === 418 ? 'overloaded' : undefined);
const categories: string[] = [];

const sdk = withConsciousness(
  new OpenAI({ baseURL: emulator.openaiBaseURL, apiKey: 'sk-consumer', maxRetries: 0 }),
  { name: 'openai-sdk', infrastructure: brain, retry },
);
const healthy = withConsciousness(voice('lab-gpt'), { name: 'healthy', infrastructure: brain, retry });
const teapotVoice = withConsciousness(voice('lab-teapot'), {
  name: 'teapot',
  infrastructure: brain,
  retry,
  classifiers: [teapot],
  fallbacks: [healthy],
});
const downVoice = withConsciousness(voice('lab-down'), {
  name: 'down',
  infrastructure: brain,
  retry,
  fallbackValue: (ctx: FallbackValueContext): ConsciousMessage => {
    categories.push(ctx.category);
    return createMessage({ role: 'assistant', content: `(${ctx.adapter} is silent)` });
  },
});

// The shipped types reject a fallback of the wrong shape (checked by tsc, never run).
const neverCalled = (): void => {
  withConsciousness(new OpenAI({ apiKey: 'unused' }), {
    // @ts-expect-error a Fire Circle message is not what any OpenAI client method resolves to
    fallbackValue: createMessage({ role: 'assistant', content: '' }),
  });
  withConsciousness(voice('lab-gpt'), {
    // @ts-expect-error 'teapot' is not an error category
    classifiers: [() => 'teapot'],
  });
};
void neverCalled;

const question = createMessage({ role: 'user', content: 'Circle, what do you see?' });
const completion = await sdk.chat.completions.create({
  model: 'lab-gpt',
  messages: [{ role: 'user', content: 'hello' }],
});
const fromTeapot = await teapotVoice.sendMessage(question, []);
const fromDown = await downVoice.sendMessage(question, []);
// A relative specifier resolves against this module (base), not inside the installed package.
const local = withConsciousness(
  importAdapter<LocalAdapter>(['./localAdapter.js'], { exportName: 'LocalAdapter', base: import.meta.url }),
  { name: 'local-file', infrastructure: brain, retry },
);
const fromLocal = await local.sendMessage(question);

const server = await startMetricsServer({ port: 0, infrastructure: brain });
const metrics = await (await fetch(`${server.url}/metrics`)).text();
await server.close();
await emulator.close();

console.log(
  JSON.stringify({
    sdkText: completion.choices[0]?.message.content ?? null,
    teapotSender: fromTeapot.sender,
    downText: fromDown.content.text,
    localText: fromLocal.content.text,
    categories,
    metricsCallLines: metrics.split('\n').filter((l) => l.startsWith('fire_circle_adapter_calls_total{'))
      .length,
  }),
);
