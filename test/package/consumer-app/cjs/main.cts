// A CommonJS consumer of the packed package, as a compiled-to-CommonJS TypeScript server writes it:
// these imports compile to require() calls, and Node >= 20.19 loads the package's ES modules through
// require(). Prints what it saw as one JSON line.
import * as anthropic from '@anthropic-ai/sdk';
import * as ic from 'infrastructure-consciousness';
import * as firecircle from 'infrastructure-consciousness/firecircle';
import * as lab from 'infrastructure-consciousness/lab';
import * as promClient from 'prom-client';

async function main(): Promise<void> {
  const emulator = await lab.startProviderEmulator({
    scenario: {
      name: 'consumer-cjs',
      seed: 5,
      phases: [{ atMs: 0, route: 'anthropic', model: 'lab-broken', faults: [{ kind: 'status', code: 503 }] }],
    },
  });
  const brain = new ic.InfrastructureConsciousness({
    registry: new promClient.Registry(),
    config: { enablePersistence: false },
  });
  const retry = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 };
  const classifier: ic.Classifier = (err) =>
    err.status === 503 ? { category: 'overloaded', status: 503 } : null;
  const seen: string[] = [];

  const sdk = ic.withConsciousness(
    new anthropic.Anthropic({ baseURL: emulator.anthropicBaseURL, apiKey: 'sk-ant-consumer', maxRetries: 0 }),
    { name: 'anthropic-sdk', infrastructure: brain, retry },
  );
  const claude = (model: string): firecircle.AnthropicAdapter =>
    new firecircle.AnthropicAdapter({ apiKey: 'sk-ant-consumer', baseURL: emulator.anthropicBaseURL, model });
  const backup = ic.withConsciousness(claude('lab-claude'), { name: 'backup', infrastructure: brain, retry });
  const broken = ic.withConsciousness(claude('lab-broken'), {
    name: 'broken',
    infrastructure: brain,
    retry,
    classifiers: [classifier],
    fallbacks: [backup],
  });
  const silent = ic.withConsciousness(claude('lab-broken'), {
    name: 'silent',
    infrastructure: brain,
    retry,
    classifiers: [classifier],
    fallbackValue: (ctx: ic.FallbackValueContext) => {
      seen.push(ctx.category);
      return firecircle.createMessage({ role: 'assistant', content: 'silence' });
    },
  });

  const message = await sdk.messages.create({
    model: 'lab-claude',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hello' }],
  });
  const first = message.content[0];
  const question = firecircle.createMessage({ role: 'user', content: 'Circle, what do you see?' });
  const fromBroken = await broken.sendMessage(question, []);
  const fromSilent = await silent.sendMessage(question, []);

  const server = await ic.startMetricsServer({ port: 0, infrastructure: brain });
  const health = (await (await fetch(`${server.url}/health`)).json()) as unknown;
  await server.close();
  await emulator.close();

  console.log(
    JSON.stringify({
      sdkText: first?.type === 'text' ? first.text : null,
      brokenSender: fromBroken.sender,
      silentText: fromSilent.content.text,
      seen,
      healthOk: typeof health === 'object' && health !== null,
      isCommonJS: typeof require === 'function' && typeof module === 'object',
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
