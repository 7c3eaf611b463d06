import { it } from 'vitest';
import { DegradationDetector } from '../../src/patterns/DegradationDetector.js';
import { SyntheticVoice, seededRandom } from './observations.js';
it('search', () => {
  let fails = 0;
  const meta = seededRandom(Number(process.env.META ?? 1));
  for (let run = 0; run < 150000; run++) {
    const seed = Math.floor(meta() * 2 ** 32) | 0;
    const base = 20 + Math.floor(meta() * 4980);
    const r0 = meta() * 0.5;
    const amplitude = r0 < 0.2 ? 0 : r0 < 0.3 ? 0.5 : meta() * 0.5;
    const n = 20 + Math.floor(meta() * 380);
    const spiky = meta() < 0.5;
    const random = seededRandom(seed);
    const voice = new SyntheticVoice('google');
    const d = new DegradationDetector();
    for (let i = 0; i < n; i++) {
      const spike = spiky && random() < 0.03 ? 4 : 1;
      const latencyMs = base * spike * (1 + amplitude * (2 * random() - 1));
      const coherence = 0.9 + 0.1 * random();
      const r = d.observe(voice.ok({ latencyMs, coherence }));
      if (r.length) {
        fails++;
        if (fails < 6)
          console.log(JSON.stringify({ seed, base, amplitude, n, spiky, i, ev: r[0]!.evidence }));
        break;
      }
    }
  }
  console.log('fails', fails);
}, 600000);
