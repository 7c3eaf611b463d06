import { inspect } from 'node:util';
import type { ConsciousModelAdapter } from '../../../src/firecircle/ConsciousModelAdapter.js';
import { startProviderEmulator, type ProviderEmulator } from '../../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../../src/lab/ScenarioSchema.js';
import { createMessage, type ConsciousMessage } from '../../../src/firecircle/ConsciousMessage.js';

type FaultInput = ScenarioInput['phases'][number]['faults'][number];

/** The API key of these tests; it must never show up in an error, a log line or a health result. */
export const SECRET_KEY = 'sk-test-abcdef123456';

/** What the circle asks in these tests. */
export const PROMPT = 'Circle, what pattern do you see in our dialogue today?';

/** The healthy scenario with a known seed (the emulator's reply is a function of seed and prompt). */
export const HEALTHY = { name: 'healthy', seed: 7, phases: [] } satisfies ScenarioInput;

/** A scenario where `faults` hit every route and model from the start. */
export function faulty(...faults: FaultInput[]): ScenarioInput {
  return { name: 'faulty', seed: 7, phases: [{ atMs: 0, faults }] };
}

/** Starts an emulator on the healthy scenario. */
export function startEmulator(): Promise<ProviderEmulator> {
  return startProviderEmulator({ scenario: HEALTHY });
}

/** A user message of a dialogue, with deterministic ids and time. */
export function userMessage(text = PROMPT): ConsciousMessage {
  return createMessage(
    {
      role: 'user',
      sender: 'steward',
      content: text,
      type: 'question',
      dialogueId: 'dialogue-1',
      sequenceNumber: 4,
      turnNumber: 2,
      id: 'msg-4',
      consciousness: { correlationId: 'corr-1' },
    },
    { clock: () => Date.UTC(2025, 0, 1) },
  );
}

/** Drains a stream of text deltas. */
export async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const delta of stream) out.push(delta);
  return out;
}

/** Awaits `promise` expecting a rejection; returns the error (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The rejections of connect, sendMessage, streamMessage and checkHealth, called in that order. */
export async function rejectionsOfEveryMethod(voice: ConsciousModelAdapter): Promise<unknown[]> {
  return [
    await rejectionOf(voice.connect()),
    await rejectionOf(voice.sendMessage(userMessage(), [])),
    await rejectionOf(collect(voice.streamMessage(userMessage(), []))),
    await rejectionOf(voice.checkHealth()),
  ];
}

/** What a voice shows the outside, for secret checks: its health result and itself as JSON, and its inspection. */
export async function exposedTexts(voice: ConsciousModelAdapter): Promise<string[]> {
  const health = await voice.checkHealth();
  return [JSON.stringify(health), JSON.stringify(voice), inspect(voice, { depth: 9, showHidden: true })];
}

/** The error a dynamic import of an absent package rejects with. */
export function moduleNotFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /app/node_modules/x/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

/** Every text of an error and its causes (message and stack), for secret checks. */
export function errorTexts(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}
