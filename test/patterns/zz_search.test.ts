import { it } from 'vitest';
import fc from 'fast-check';
import { DegradationDetector } from '../../src/patterns/DegradationDetector.js';
import { SyntheticVoice, seededRandom } from './observations.js';
it('search', () => {
  let fails = 0;
  const meta = seededRandom(Number(process.env.META ?? 1));
  for (let run = 0; run < 100000; run++) {
    const seed = Math.floor(meta() * 2 ** 32) | 0; const base = 20 + Math.floor(meta() * 4980);
    const r0 = meta() * 0.5;
    const amplitude = r0 < 0.2 ? 0 : r0 < 0.3 ? 0.5 : meta() * 0.5; const n = 20 + Math.floor(meta() * 380); const spiky = meta() < 0.7;
    const random = seededRandom(seed);
    const voice = new SyntheticVoice('google');
    const d = new DegradationDetector();
    for (let i = 0; i < n; i++) {
      const spike = spiky && random() < 0.03 ? 4 : 1;
      const latencyMs = base * spike * (1 + amplitude * (2 * random() - 1));
      const coherence = 0.9 + 0.1 * random();
      const r = d.observe(voice.ok({ latencyMs, coherence }));
      if (r.length) { fails++; if (fails < 6) console.log(JSON.stringify({ seed, base, amplitude, n, spiky, i, ev: r[0]!.evidence })); break; }
    }
  }
  console.log('fails', fails);
  let fcFails = 0;
  for (let k = 0; k < 100; k++) {
    const out = fc.check(fc.property(fc.array(fc.integer({ min: 150, max: 250 }), { minLength: 1, maxLength: 300 }), (latencies) => {
      const voice = new SyntheticVoice('google');
      const detector = new DegradationDetector();
      const random = seededRandom(3);
      for (let i = 0; i < 30; i++) if (detector.observe(voice.ok({ latencyMs: 200 * (1 + 0.25 * (2 * random() - 1)) })).length) return false;
      for (const latencyMs of latencies) if (detector.observe(voice.ok({ latencyMs })).length) return false;
      return true;
    }), { numRuns: 300, seed: k * 104729 + Number(process.env.META ?? 1) });
    if (out.failed) { fcFails++; console.log('FC CE', JSON.stringify(out.counterexample)); }
  }
  console.log('fcFails', fcFails);
}, 900000);
