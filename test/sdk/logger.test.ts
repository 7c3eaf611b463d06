import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/index.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { CHAT_PARAMS, closeLabs, rejectionOf, startLab } from './sdkLab.js';

afterEach(closeLabs);

const UNAUTHORIZED = { kind: 'status' as const, code: 401, rate: 1 };

describe('the logger option is honoured', () => {
  it("a wrapped client's logs go to its logger, not the brain's", async () => {
    const lab = await startLab({ faults: [UNAUTHORIZED] });
    const { infrastructure, logLines: brainLines } = freshInfrastructure();
    const { logger, lines } = memoryLogger();
    const client = withConsciousness(lab.openai({ maxRetries: 0 }), {
      name: 'logged',
      infrastructure,
      logger,
    });
    await rejectionOf(client.chat.completions.create(CHAT_PARAMS));
    const ours = lines().filter((line) => line.includes('logged'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.some((line) => line.includes('chat.completions.create'))).toBe(true);
    const aboutTheCall = (line: string): boolean =>
      line.includes('logged') && line.includes('chat.completions');
    expect(brainLines().filter(aboutTheCall)).toEqual([]);
  });

  it('each voice logs to its own logger', async () => {
    const lab = await startLab({ faults: [UNAUTHORIZED] });
    const { infrastructure } = freshInfrastructure();
    const first = memoryLogger();
    const second = memoryLogger();
    const a = withConsciousness(lab.openai({ maxRetries: 0 }), {
      name: 'voice-a',
      infrastructure,
      logger: first.logger,
    });
    const b = withConsciousness(lab.openai({ maxRetries: 0 }), {
      name: 'voice-b',
      infrastructure,
      logger: second.logger,
    });
    await rejectionOf(a.chat.completions.create(CHAT_PARAMS));
    await rejectionOf(b.chat.completions.create(CHAT_PARAMS));
    expect(first.lines().some((line) => line.includes('voice-a'))).toBe(true);
    expect(first.lines().some((line) => line.includes('voice-b'))).toBe(false);
    expect(second.lines().some((line) => line.includes('voice-b'))).toBe(true);
    expect(second.lines().some((line) => line.includes('voice-a'))).toBe(false);
  });
});
