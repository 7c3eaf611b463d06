import { describe, it, expect } from 'vitest';
import { ERROR_CATEGORIES } from '../../src/vocabulary/ErrorCategory.js';
import { ApiChangeDetector } from '../../src/patterns/ApiChangeDetector.js';
import { DegradationDetector } from '../../src/patterns/DegradationDetector.js';
import { PatternEngine } from '../../src/patterns/PatternEngine.js';
import { RecoveryDetector } from '../../src/patterns/RecoveryDetector.js';
import { ResonanceDetector } from '../../src/patterns/ResonanceDetector.js';
import { observation, seededRandom } from './observations.js';

const N = 200_000;
const VOICES = ['anthropic', 'openai', 'google', 'mistral', 'deepseek', 'grok', 'local'];

describe('bounded state', () => {
  it('keeps the engine and detectors bounded over 200k observations of a turbulent Fire Circle', () => {
    const random = seededRandom(42);
    const engine = new PatternEngine({
      historyPerType: 20,
      idGenerator: (() => {
        let i = 0;
        return () => `p${++i}`;
      })(),
    });
    const streaks = new Map<string, number>();
    let maxSize = 0;
    let patterns = 0;
    for (let i = 0; i < N; i++) {
      const adapter = VOICES[Math.floor(random() * VOICES.length)]!;
      // Phases of a few thousand calls: calm, flaky, outage, shape churn.
      const phase = Math.floor(i / 5_000) % 4;
      const failRate = [0.01, 0.2, 0.9, 0.05][phase]!;
      const ok = random() >= failRate;
      const streak = ok ? 0 : (streaks.get(adapter) ?? 0) + 1;
      streaks.set(adapter, streak);
      const category = ok ? undefined : ERROR_CATEGORIES[Math.floor(random() * ERROR_CATEGORIES.length)]!;
      const changes = engine.observe(
        observation({
          adapter,
          timestamp: 1_700_000_000_000 + i * 50,
          ok,
          category,
          latencyMs: 100 * (1 + phase) * (1 + random()),
          coherence: 0.7 + 0.3 * random(),
          responseShape: ok ? `id,model,v${phase === 3 ? Math.floor(random() * 40) : 0}` : undefined,
          consecutiveFailures: streak,
        }),
      );
      patterns += changes.detected.length;
      if ((i & 1023) === 0) maxSize = Math.max(maxSize, engine.size);
    }
    maxSize = Math.max(maxSize, engine.size);
    expect(patterns).toBeGreaterThan(100); // the stream did exercise the detectors
    // 7 adapters x 4 detectors + at most 8 shapes each + active patterns + 4 x 20 history entries.
    expect(maxSize).toBeLessThanOrEqual(7 * 4 + 7 * 8 + 7 * 3 + 1 + 4 * 20);
    expect(engine.activePatterns().length).toBeLessThanOrEqual(7 * 3 + 1);
    expect(engine.history().length).toBeLessThanOrEqual(4 * 20);
  });

  it('forgets the least recently seen adapters when names never repeat', () => {
    const maxAdapters = 50;
    const detectors = [
      new DegradationDetector({ maxAdapters }),
      new ApiChangeDetector({ maxAdapters }),
      new ResonanceDetector({ maxAdapters }),
      new RecoveryDetector({ maxAdapters }),
    ];
    const engine = new PatternEngine({ detectors, maxActive: 100 });
    for (let i = 0; i < N; i++) {
      engine.observe(
        observation({
          adapter: `voice-${i}`,
          timestamp: i,
          ok: i % 3 !== 0,
          category: i % 3 === 0 ? 'network' : undefined,
          consecutiveFailures: i % 3 === 0 ? 1 : 0,
        }),
      );
    }
    for (const d of detectors) expect(d.size).toBeLessThanOrEqual(maxAdapters * 2);
    expect(engine.activePatterns().length).toBeLessThanOrEqual(100);
    expect(engine.size).toBeLessThanOrEqual(4 * maxAdapters * 2 + 100 + 4 * 100);
  });
});
