import { describe, expect, it } from 'vitest';
import { findAlias } from '../../src/resilience/methodAliases.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../support/fixtures.js';

describe('findAlias: the one alias lookup', () => {
  class Legacy {
    send_message(): string {
      return 'legacy';
    }
    reply(): string {
      return 'reply';
    }
  }

  it('tries the learned alias, then configured aliases, then the other spelling', () => {
    const adapter = new Legacy();
    expect(findAlias(adapter, 'sendMessage', undefined, undefined)).toBe('send_message');
    expect(findAlias(adapter, 'sendMessage', ['reply'], undefined)).toBe('reply');
    expect(findAlias(adapter, 'sendMessage', ['reply'], 'send_message')).toBe('send_message');
    expect(findAlias(adapter, 'sendMessage', ['missing'], 'gone')).toBe('send_message');
    expect(findAlias(adapter, 'streamMessage', undefined, undefined)).toBeUndefined();
  });

  it("never answers with a member every object has, nor with the method's own name", () => {
    const adapter = { to_string: 'not a function', value_of: () => 1 };
    expect(findAlias(adapter, 'to_string', undefined, undefined)).toBeUndefined(); // toString is Object's
    expect(findAlias(adapter, 'valueOf', ['constructor'], 'hasOwnProperty')).toBe('value_of');
    expect(findAlias(adapter, 'value_of', undefined, 'value_of')).toBeUndefined();
  });

  it('the wrapper, its resolver and its fallbacks agree: a missing method is served by the same alias', async () => {
    const { infrastructure } = freshInfrastructure();
    const fallback = {
      providerName: 'backup',
      async send_message(): Promise<unknown> {
        return message('from the fallback');
      },
    };
    const primary = {
      providerName: 'primary',
      async sendMessage(): Promise<unknown> {
        throw Object.assign(new Error('upstream 500'), { status: 500 });
      },
      async stream_message(): Promise<unknown> {
        return message('streamed');
      },
    };
    const voice = withConsciousness(primary, {
      infrastructure,
      fallbacks: [fallback],
      retry: { maxAttempts: 1 },
    }) as typeof primary & { streamMessage(): Promise<{ content: { text: string } }> };
    // The fallback's sendMessage is its send_message; the primary's streamMessage its stream_message.
    expect(await voice.sendMessage()).toEqual(message('from the fallback'));
    expect((await voice.streamMessage()).content.text).toBe('streamed');
    expect(infrastructure.learnedAlias('primary', 'streamMessage')).toBe('stream_message');
  });
});
