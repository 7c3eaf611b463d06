import { describe, it, expect } from 'vitest';
import { RecoveryDetector } from '../../src/patterns/RecoveryDetector.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
import type { DetectedPattern } from '../../src/patterns/PatternDetector.js';
import { SyntheticVoice } from './observations.js';

function run(
  detector: RecoveryDetector,
  stream: readonly CallObservation[],
): { i: number; p: DetectedPattern }[] {
  const out: { i: number; p: DetectedPattern }[] = [];
  stream.forEach((o, i) => {
    for (const p of detector.observe(o)) out.push({ i, p });
  });
  return out;
}

describe('RecoveryDetector', () => {
  it('reports recovery after a failure episode, with the episode bounds and categories in evidence', () => {
    const voice = new SyntheticVoice('anthropic', 1_700_000_000_000, 1_000);
    const stream = [voice.ok(), voice.ok()];
    const episodeStart = voice.now;
    stream.push(voice.fail('network'), voice.fail('network'), voice.fail('timeout'));
    const lastFailureAt = voice.now - 1_000;
    const healthySince = voice.now;
    stream.push(voice.ok(), voice.ok());
    const episodeEnd = voice.now;
    stream.push(voice.ok(), voice.ok(), voice.ok());

    const reports = run(new RecoveryDetector(), stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.i).toBe(7);
    expect(reports[0]!.p).toMatchObject({
      type: 'recovery',
      phase: 'instant',
      adapters: ['anthropic'],
      impact: 'minor',
      category: 'network',
      evidence: {
        episodeStart,
        episodeEnd,
        lastFailureAt,
        healthySince,
        durationMs: episodeEnd - episodeStart,
        failures: 3,
        categories: { network: 2, timeout: 1 },
      },
    });
  });

  it('keeps the episode open when a failure interrupts the recovering successes', () => {
    const voice = new SyntheticVoice('openai');
    const episodeStart = voice.now;
    const stream = [voice.fail('overloaded'), voice.ok(), voice.ok(), voice.fail('overloaded')];
    const detector = new RecoveryDetector();
    expect(run(detector, stream)).toEqual([]);
    expect(detector.inEpisode('openai')).toBe(true);
    const reports = run(detector, [voice.ok(), voice.ok(), voice.ok()]);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.p.evidence).toMatchObject({ episodeStart, failures: 2 });
    expect(detector.inEpisode('openai')).toBe(false);
  });

  it('reports nothing for an adapter that never failed, and one recovery per episode', () => {
    const voice = new SyntheticVoice('google');
    const detector = new RecoveryDetector();
    expect(
      run(
        detector,
        Array.from({ length: 20 }, () => voice.ok()),
      ),
    ).toEqual([]);
    const episodes = [0, 1, 2].flatMap(() => [
      voice.fail('server_error'),
      voice.ok(),
      voice.ok(),
      voice.ok(),
      voice.ok(),
    ]);
    expect(run(detector, episodes).map((r) => r.i)).toEqual([3, 8, 13]);
  });

  it('honours successesToRecover and minEpisodeFailures', () => {
    const voice = new SyntheticVoice('mistral');
    const detector = new RecoveryDetector({ successesToRecover: 1, minEpisodeFailures: 2 });
    expect(run(detector, [voice.fail('timeout'), voice.ok()])).toEqual([]);
    // Three failures among the latest outcomes: the streak must reach three as well.
    expect(run(detector, [voice.fail('timeout'), voice.fail('timeout'), voice.ok(), voice.ok()])).toEqual([]);
    expect(run(detector, [voice.ok()])).toHaveLength(1);
    expect(() => new RecoveryDetector({ successesToRecover: 0 })).toThrow(/options\.successesToRecover/);
    expect(() => new RecoveryDetector({ recentWindow: 31 })).toThrow(/options\.recentWindow/);
  });

  it('does not take lucky streaks amid frequent failures for a recovery', () => {
    const voice = new SyntheticVoice('openai');
    const detector = new RecoveryDetector();
    // 60% failures in a fixed pattern with streaks of three successes: never a recovery.
    const storm = Array.from({ length: 50 }, () => [
      voice.fail('rate_limited'),
      voice.fail('rate_limited'),
      voice.fail('rate_limited'),
      voice.fail('rate_limited'),
      voice.fail('rate_limited'),
      voice.fail('rate_limited'),
      voice.ok(),
      voice.ok(),
      voice.ok(),
      voice.ok(),
    ]).flat();
    expect(run(detector, storm)).toEqual([]);
    expect(detector.inEpisode('openai')).toBe(true);
    // Once the voice answers as often in a row as it failed lately (the 20 latest outcomes), it recovered:
    // the storm's last four successes and four more make eight, against eight failures in the window.
    const calm = Array.from({ length: 12 }, () => voice.ok());
    const reports = run(detector, calm);
    expect(reports.map((r) => r.i)).toEqual([3]);
    expect(reports[0]!.p.evidence).toMatchObject({ failures: 300 });
  });

  it('treats request-side failures as neither failure nor success', () => {
    const voice = new SyntheticVoice('deepseek');
    const detector = new RecoveryDetector();
    const stream = [voice.fail('bad_request'), voice.ok(), voice.ok(), voice.ok()];
    expect(run(detector, stream)).toEqual([]);
    const episode = [voice.fail('network'), voice.ok(), voice.fail('aborted'), voice.ok(), voice.ok()];
    expect(run(detector, episode).map((r) => r.i)).toEqual([4]);
  });
});
