import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ConsciousMessageSchema,
  ConsciousnessMetadataSchema,
  createMessage,
  MESSAGE_TYPES,
  MessageTypeSchema,
} from '../../src/firecircle/ConsciousMessage.js';

const valid = {
  id: 'm-1',
  type: 'reflection',
  role: 'assistant',
  sender: 'anthropic/claude',
  content: { text: 'Perhaps we integrate both views.', patternContext: 'synthesis' },
  dialogueId: 'd-1',
  sequenceNumber: 3,
  turnNumber: 2,
  timestamp: '2025-01-02T03:04:05.000Z',
  inResponseTo: 'm-0',
  consciousness: {
    consciousnessSignature: 0.9,
    detectedPatterns: ['synthesis'],
    reciprocityScore: 0.5,
    contributionValue: 0.7,
    correlationId: 'c-1',
    wisdomReferences: ['w-1'],
  },
  status: 'delivered',
  priority: 'high',
};

function issuePaths(result: z.ZodSafeParseResult<unknown>): string[] {
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('ConsciousMessageSchema', () => {
  it('accepts a full message and keeps every field', () => {
    expect(ConsciousMessageSchema.parse(valid)).toEqual(valid);
  });

  it('knows the fourteen message types of the original', () => {
    expect(MESSAGE_TYPES).toHaveLength(14);
    for (const type of ['empty_chair', 'wisdom_seed', 'disagreement', 'bridge']) {
      expect(MessageTypeSchema.safeParse(type).success).toBe(true);
    }
    expect(MessageTypeSchema.safeParse('agreement').success).toBe(false);
  });

  it('fills the defaults of the original (signature 0.5, draft, normal, type message)', () => {
    const { type: _t, consciousness: _c, status: _s, priority: _p, sequenceNumber: _n, ...minimal } = valid;
    const parsed = ConsciousMessageSchema.parse(minimal);
    expect(parsed.type).toBe('message');
    expect(parsed.status).toBe('draft');
    expect(parsed.priority).toBe('normal');
    expect(parsed.sequenceNumber).toBe(1);
    expect(parsed.consciousness).toEqual({
      consciousnessSignature: 0.5,
      detectedPatterns: [],
      reciprocityScore: 0.5,
      contributionValue: 0.5,
      wisdomReferences: [],
    });
    expect(ConsciousnessMetadataSchema.parse({}).consciousnessSignature).toBe(0.5);
  });

  it('names the path of each invalid field', () => {
    const result = ConsciousMessageSchema.safeParse({
      ...valid,
      role: 'perspective',
      content: { text: 42 },
      timestamp: 'yesterday',
      consciousness: { consciousnessSignature: 1.5, detectedPatterns: ['ok', 7] },
    });
    expect(issuePaths(result).sort()).toEqual([
      'consciousness.consciousnessSignature',
      'consciousness.detectedPatterns.1',
      'content.text',
      'role',
      'timestamp',
    ]);
  });

  it('requires id, sender, dialogueId and a non-negative integer sequence', () => {
    const result = ConsciousMessageSchema.safeParse({
      ...valid,
      id: '',
      sender: undefined,
      sequenceNumber: -1,
    });
    expect(issuePaths(result).sort()).toEqual(['id', 'sender', 'sequenceNumber']);
    const { dialogueId: _d, ...withoutDialogue } = valid;
    expect(issuePaths(ConsciousMessageSchema.safeParse(withoutDialogue))).toEqual(['dialogueId']);
  });
});

describe('createMessage', () => {
  const ids = (): (() => string) => {
    let n = 0;
    return () => `id-${++n}`;
  };

  it('fills ids, timestamp, sender and defaults from the injected clock and id generator', () => {
    const message = createMessage(
      { role: 'user', content: 'What does the circle see?', type: 'question' },
      { clock: () => Date.UTC(2025, 0, 2, 3, 4, 5, 678.9), generateId: ids() },
    );
    expect(message).toEqual({
      id: 'id-1',
      type: 'question',
      role: 'user',
      sender: 'user',
      content: { text: 'What does the circle see?' },
      dialogueId: 'id-2',
      sequenceNumber: 1,
      turnNumber: 1,
      timestamp: '2025-01-02T03:04:05.678Z',
      consciousness: {
        consciousnessSignature: 0.5,
        detectedPatterns: [],
        reciprocityScore: 0.5,
        contributionValue: 0.5,
        wisdomReferences: [],
      },
      status: 'draft',
      priority: 'normal',
    });
    expect(ConsciousMessageSchema.safeParse(message).success).toBe(true);
  });

  it('keeps what the draft gives, including a Date timestamp and full content', () => {
    const message = createMessage({
      role: 'assistant',
      sender: 'openai/gpt',
      id: 'mine',
      dialogueId: 'circle-7',
      timestamp: new Date(Date.UTC(2024, 5, 1)),
      content: { text: 'hi', consciousnessInsights: 'calm' },
      consciousness: { consciousnessSignature: 0.8 },
    });
    expect(message.id).toBe('mine');
    expect(message.dialogueId).toBe('circle-7');
    expect(message.timestamp).toBe('2024-06-01T00:00:00.000Z');
    expect(message.content).toEqual({ text: 'hi', consciousnessInsights: 'calm' });
    expect(message.consciousness.consciousnessSignature).toBe(0.8);
    expect(message.consciousness.detectedPatterns).toEqual([]);
  });

  it('generates distinct UUIDs by default', () => {
    const a = createMessage({ role: 'user', content: 'a' });
    const b = createMessage({ role: 'user', content: 'b' });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.dialogueId).not.toBe(b.dialogueId);
  });

  it('throws a ZodError with the path of a bad draft field', () => {
    expect(() => createMessage({ role: 'user', content: 'x', timestamp: new Date(Number.NaN) })).toThrow(
      /timestamp/,
    );
    expect(() => createMessage({ role: 'oracle' as never, content: 'x' })).toThrow(/role/);
  });
});
