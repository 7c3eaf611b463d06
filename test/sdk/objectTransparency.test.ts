import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Completions } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/index.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { CHAT_PARAMS, callsCounted, closeLabs, startLab, wrap } from './sdkLab.js';

afterEach(closeLabs);

function wrapped<T extends object>(
  target: T,
): { voice: T; registry: ReturnType<typeof freshInfrastructure>['registry'] } {
  const { infrastructure, registry } = freshInfrastructure();
  return { voice: withConsciousness(target, { name: 'obj', infrastructure }), registry };
}

const reply = (text: string): { content: { text: string } } => ({ content: { text } });

describe('frozen objects and non-configurable methods', () => {
  it('a frozen adapter: properties read and methods called through the wrapper', async () => {
    const adapter = Object.freeze({
      providerName: 'frozen',
      settings: Object.freeze({ temperature: 0.2 }),
      async sendMessage(m: { content: { text: string } }) {
        return reply(`echo ${m.content.text}`);
      },
    });
    const { voice, registry } = wrapped(adapter);
    expect(voice.providerName).toBe('frozen');
    expect(voice.settings.temperature).toBe(0.2);
    expect((await voice.sendMessage(reply('hi'))).content.text).toBe('echo hi');
    expect(await callsCounted(registry, 'sendMessage', 'obj')).toBe(1);
  });

  it('a non-configurable, non-writable method', async () => {
    const adapter = { providerName: 'fixed' } as { providerName: string; ask(q: string): Promise<string> };
    Object.defineProperty(adapter, 'ask', {
      value: async (q: string) => `answer to ${q}`,
      configurable: false,
      writable: false,
      enumerable: true,
    });
    const { voice, registry } = wrapped(adapter);
    expect(await voice.ask('why')).toBe('answer to why');
    expect(await callsCounted(registry, 'ask', 'obj')).toBe(1);
  });

  it('a frozen SDK client', async () => {
    const lab = await startLab();
    const { wrapped: client } = wrap(Object.freeze(lab.openai()));
    const completion = await client.chat.completions.create(CHAT_PARAMS);
    expect(completion.object).toBe('chat.completion');
  });
});

class Voice {
  #level = 0;
  #model = 'lab-1';
  readonly providerName = 'classy';
  get level(): number {
    return this.#level;
  }
  set level(value: number) {
    this.#level = value;
  }
  get model(): string {
    return this.#model;
  }
  withModel(model: string): this {
    this.#model = model;
    return this;
  }
  async ask(question: string): Promise<string> {
    return `${this.#model}@${this.#level}: ${question}`;
  }
}

describe('setters, private fields and fluent methods', () => {
  it('a setter writing a private field works through the wrapper', async () => {
    const real = new Voice();
    const { voice } = wrapped(real);
    voice.level = 3;
    expect(voice.level).toBe(3);
    expect(real.level).toBe(3);
    expect(await voice.ask('q')).toBe('lab-1@3: q');
  });

  it('a plain assignment reaches the real object', () => {
    const real = { providerName: 'plain', temperature: 1 };
    const { voice } = wrapped(real);
    voice.temperature = 0.5;
    expect(real.temperature).toBe(0.5);
  });

  it('a fluent method returning this returns the wrapper, so chained calls stay protected', async () => {
    const { voice, registry } = wrapped(new Voice());
    const chained = voice.withModel('lab-2');
    expect(chained).toBe(voice);
    expect(await chained.ask('q')).toBe('lab-2@0: q');
    expect(await callsCounted(registry, 'ask', 'obj')).toBe(1);
  });

  it('instanceof, symbols and getters as on the real object', () => {
    const tag = Symbol('tag');
    const real = Object.assign(new Voice(), { [tag]: 'tagged' });
    const { voice } = wrapped(real);
    expect(voice).toBeInstanceOf(Voice);
    expect(voice[tag]).toBe('tagged');
    expect(voice.model).toBe('lab-1');
    expect('ask' in voice).toBe(true);
  });
});

describe('SDK clients keep their shape', () => {
  it('openai: instanceof, configuration fields, nested resources', async () => {
    const lab = await startLab();
    const real = lab.openai();
    const { wrapped: client } = wrap(real);
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.baseURL).toBe(real.baseURL);
    expect(client.maxRetries).toBe(real.maxRetries);
    expect(client.chat.completions).toBeInstanceOf(Completions);
    expect(client.chat.completions).toBe(client.chat.completions);
    client.maxRetries = 1;
    expect(real.maxRetries).toBe(1);
  });

  it('anthropic: instanceof and configuration fields', async () => {
    const lab = await startLab();
    const real = lab.anthropic();
    const { wrapped: client } = wrap(real);
    expect(client).toBeInstanceOf(Anthropic);
    expect(client.baseURL).toBe(real.baseURL);
    expect(client.apiKey).toBe(real.apiKey);
  });
});
