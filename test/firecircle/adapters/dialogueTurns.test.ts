import { describe, expect, it } from 'vitest';
import { dialogueTurns } from '../../../src/firecircle/adapters/dialogueTurns.js';

const say = (role: 'system' | 'user' | 'assistant', text: string, sender?: string) => ({
  role,
  content: { text },
  ...(sender === undefined ? {} : { sender }),
});

describe('dialogueTurns', () => {
  it('keeps dialogue order and ends with the message as a user turn', () => {
    const laid = dialogueTurns(say('user', 'now?'), [say('user', 'first'), say('assistant', 'reply', 'me')], {
      self: 'me',
    });
    expect(laid).toEqual({
      system: undefined,
      turns: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'now?' },
      ],
    });
  });

  it('attributes other voices and gathers system text after the system prompt', () => {
    const laid = dialogueTurns(
      say('system', 'the question'),
      [say('system', 'rule one'), say('assistant', 'hello', 'grok/grok-3'), say('system', 'rule two')],
      { self: 'me', systemPrompt: 'prompt' },
    );
    expect(laid.system).toBe('prompt\n\nrule one\n\nrule two');
    expect(laid.turns).toEqual([
      { role: 'user', content: '[grok/grok-3] hello' },
      { role: 'user', content: 'the question' },
    ]);
  });

  it('sends only the latest maxContextMessages and skips messages without text', () => {
    const context = [
      say('user', 'a'),
      say('user', 'b'),
      { role: 'user' as const, content: { text: 7 as never } },
    ];
    const laid = dialogueTurns(say('user', 'q'), context, { self: 'me', maxContextMessages: 2 });
    expect(laid.turns.map((t) => t.content)).toEqual(['b', 'q']);
  });
});
