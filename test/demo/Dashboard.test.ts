import { describe, expect, it } from 'vitest';
import type { VoiceCallCounts } from '../../src/demo/CallLedger.js';
import {
  progressBar,
  renderDashboard,
  renderStatusLines,
  topErrors,
  type DashboardView,
} from '../../src/demo/Dashboard.js';
import { LiveDisplay, rowsOf } from '../../src/demo/LiveDisplay.js';

const counts = (calls: number, fallback = 0, retry = 0, failed = 0): VoiceCallCounts => ({
  calls,
  answered: calls - fallback - retry - failed,
  savedByRetry: retry,
  servedByFallback: fallback,
  failed,
  cancelled: 0,
});

const view = (overrides: Partial<DashboardView> = {}): DashboardView => ({
  scenario: 'fire-circle-demo',
  elapsedMs: 8_000,
  durationMs: 20_000,
  position: { index: 3, count: 7, label: 'api change: openai answers with null content' },
  metricsUrl: 'http://127.0.0.1:9464',
  voices: [
    {
      name: 'anthropic',
      model: 'claude-demo',
      mode: 'emulator',
      status: 'healthy',
      circuit: 'closed',
      failureProbability: 0.02,
      calls: counts(40),
      errors: {},
      usage: { input: 12_345, output: 2_100, cost: 0.06854 },
    },
    {
      name: 'openai',
      model: 'gpt-demo',
      mode: 'emulator',
      status: 'disconnected',
      circuit: 'open',
      failureProbability: 0.91,
      calls: counts(38, 12),
      errors: { api_return_none: 9 },
      usage: { input: 900, output: 0, cost: 0.00231 },
    },
    {
      name: 'local',
      model: 'llama3.2',
      mode: 'real',
      status: 'degraded',
      circuit: 'half_open',
      failureProbability: 0.41,
      calls: counts(20, 2, 3),
      errors: { timeout: 2, overloaded: 5, network: 1 },
      usage: { input: 0, output: 0, cost: 0 },
    },
  ],
  patterns: [
    { atMs: 6_100, type: 'degradation', adapters: ['local'], impact: 'severe', category: 'timeout' },
    { atMs: 7_900, type: 'api_change', adapters: ['openai'], impact: 'severe', category: 'api_return_none' },
  ],
  healings: [
    {
      atMs: 7_900,
      actionType: 'fallback',
      target: 'openai',
      reason: 'api_change/api_return_none on openai: route',
      result: 'pending',
    },
    {
      atMs: 6_200,
      actionType: 'retry_strategy',
      target: 'local',
      reason: 'degradation/timeout on local: backoff',
      result: 'success',
    },
  ],
  totals: counts(98, 14, 3),
  lastWords: 'anthropic/claude-demo: The circle is listening.',
  ...overrides,
});

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe('renderDashboard', () => {
  it('plain: the seed layout with progress, phase, one row per voice, patterns and healings, no escapes', () => {
    const text = renderDashboard(view(), { color: false, barWidth: 10 });
    expect(text).not.toMatch(ANSI);
    const lines = text.split('\n');
    expect(lines[0]).toBe('🔥 Fire Circle — Infrastructure Consciousness demo (scenario fire-circle-demo)');
    expect(lines[1]).toBe('[####------]  40%  8.0s / 20.0s');
    expect(lines[2]).toBe('▶ phase 4/7  api change: openai answers with null content');
    expect(lines[3]).toBe('metrics http://127.0.0.1:9464/metrics · /health · /report');
    expect(text).toContain('📊 Infrastructure Health:');
    expect(text).toMatch(/tokens in\/out +cost +upstream errors/);
    expect(text).toMatch(
      /🟢 anthropic +claude-demo +healthy +closed +0\.02 +40 +0 +0 +0 +12k\/2\.1k +\$0\.0685 +-/,
    );
    expect(text).toMatch(
      /🔴 openai +gpt-demo +disconnected +open +0\.91 +38 +0 +12 +0 +900\/0 +\$0\.0023 +api_return_none 9/,
    );
    expect(text).toMatch(
      /🟡 local +llama3\.2 \(real\) +degraded +half_open +0\.41 +20 +3 +2 +0 +0\/0 +\$0\.0000 +overloaded 5, timeout 2, …/,
    );
    expect(text).toContain(
      'total 98 calls: 81 answered, 3 saved by retry, 14 by fallback, 0 failed; 13k/2.1k tokens, $0.0709',
    );
    expect(text).toContain('🌀 Patterns (2): degradation 1 · api_change 1 · resonance 0 · recovery 0');
    expect(text).toContain('   6.1s  degradation on local (severe, timeout)');
    expect(text).toContain('🩹 Healing (2): 1 success · 0 failure · 0 not judged · 1 pending');
    expect(text).toContain(
      '   7.9s  fallback on openai — pending (api_change/api_return_none on openai: route)',
    );
    expect(text).toContain('💬 anthropic/claude-demo: The circle is listening.');
  });

  it('terminal: the same frame coloured, with a block progress bar', () => {
    const plain = renderDashboard(view(), { color: false, barWidth: 10 });
    const tty = renderDashboard(view(), { color: true, barWidth: 10 });
    expect(tty).toMatch(ANSI);
    const stripped = tty.replace(ANSI, '');
    expect(stripped.split('\n')[1]).toBe('[████░░░░░░]  40%  8.0s / 20.0s');
    expect(stripped.replace('[████░░░░░░]', '[####------]')).toBe(plain);
  });

  it('is deterministic and shows only the most recent events', () => {
    const many = view({
      patterns: Array.from({ length: 9 }, (_, i) => ({
        atMs: i * 1000,
        type: 'recovery' as const,
        adapters: [`v${i}`],
        impact: 'minor' as const,
      })),
    });
    const a = renderDashboard(many, { color: false, recent: 3 });
    expect(a).toBe(renderDashboard(many, { color: false, recent: 3 }));
    expect(a).toContain('recovery on v8');
    expect(a).toContain('recovery on v6');
    expect(a).not.toContain('recovery on v5');
    expect(a).toContain('🌀 Patterns (9): degradation 0 · api_change 0 · resonance 0 · recovery 9');
  });

  it('keeps control characters from names out of the terminal', () => {
    const text = renderDashboard(view({ position: { index: 0, count: 1, label: 'evil\u001b[2Jlabel' } }), {
      color: false,
    });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('evil\uFFFD[2Jlabel');
  });
});

describe('plain status lines and helpers', () => {
  it('prints timeline, totals and the voices that are not healthy', () => {
    expect(renderStatusLines(view())).toBe(
      [
        '[  8.0s  40%] phase 4/7  api change: openai answers with null content | 98 calls: 81 answered, 3 saved by retry, 14 by fallback, 0 failed',
        '    🟢 anthropic  🔴 openai (disconnected, open, p=0.91)  🟡 local (degraded, half_open, p=0.41)',
      ].join('\n'),
    );
  });

  it('progress bars clamp and top errors sort by count', () => {
    expect(progressBar(1.7, 4, true)).toBe('[####]');
    expect(progressBar(Number.NaN, 4)).toBe('[░░░░]');
    expect(topErrors({})).toBe('-');
    expect(topErrors({ b: 2, a: 2, c: 9 }, 3)).toBe('c 9, a 2, b 2');
  });
});

describe('LiveDisplay', () => {
  it('on a terminal redraws in place: clear once, then cursor home, each line cleared, the rest cleared', () => {
    const writes: string[] = [];
    const display = new LiveDisplay(
      { write: (t: string) => writes.push(t) },
      { live: true, plainEveryMs: 2000 },
    );
    display.frame(view());
    display.frame(view({ elapsedMs: 9_000 }));
    display.event('ignored on a terminal');
    display.stop(view({ elapsedMs: 20_000 }));
    expect(writes[0]!.startsWith('\u001b[?25l\u001b[2J\u001b[H\u001b[1m🔥')).toBe(true);
    expect(writes[1]!.startsWith('\u001b[H\u001b[1m🔥')).toBe(true);
    expect(writes[1]).toContain('\u001b[K\n');
    expect(writes[1]!.endsWith('\u001b[J')).toBe(true);
    expect(writes.join('')).not.toContain('ignored');
    expect(writes[writes.length - 1]).toBe('\u001b[?25h');
  });

  it('on a small terminal drops recent events so the frame never scrolls', () => {
    const many = view({
      patterns: Array.from({ length: 9 }, (_, i) => ({
        atMs: i * 1000,
        type: 'recovery' as const,
        adapters: [`v${i}`],
        impact: 'minor' as const,
      })),
    });
    // The second frame (the first always clears the screen), without the final newline and clear-below.
    const frameFor = (rows: number, columns: number): string => {
      const writes: string[] = [];
      const display = new LiveDisplay(
        { write: (t: string) => writes.push(t), rows, columns },
        { live: true, plainEveryMs: 2000 },
      );
      display.frame(many);
      display.frame(many);
      return writes[1]!.slice(0, -'\n\u001b[J'.length);
    };
    const tall = frameFor(60, 200);
    expect(tall).toContain('recovery on v4');
    const short = frameFor(20, 200);
    expect(short.startsWith('\u001b[H')).toBe(true);
    expect(rowsOf(short, 200)).toBeLessThan(20);
    expect(short).toContain('recovery on v8');
    expect(short).not.toContain('recovery on v4');
    // Too narrow to fit at all: every frame clears the screen instead of drawing over a scrolled one.
    const narrow = frameFor(20, 60);
    expect(narrow.startsWith('\u001b[2J\u001b[H')).toBe(true);
    expect(rowsOf('🟢 ab\ncd', 3)).toBe(3);
  });

  it('without a terminal prints status lines every few seconds and events at once, no escapes', () => {
    const writes: string[] = [];
    const display = new LiveDisplay(
      { write: (t: string) => writes.push(t) },
      { live: false, plainEveryMs: 2000 },
    );
    display.frame(view({ elapsedMs: 0 }));
    display.frame(view({ elapsedMs: 1_000 }));
    display.event('[  1.2s] 🌀 pattern degradation on local (severe, timeout)');
    display.frame(view({ elapsedMs: 2_100 }));
    display.stop(view({ elapsedMs: 2_500 }));
    expect(writes).toHaveLength(4);
    expect(writes[0]).toMatch(/^\[ {2}0\.0s {3}0%\]/);
    expect(writes[1]).toBe('[  1.2s] 🌀 pattern degradation on local (severe, timeout)\n');
    expect(writes[2]).toMatch(/^\[ {2}2\.1s {2}11%\]/);
    expect(writes[3]).toMatch(/^\[ {2}2\.5s {2}13%\]/);
    expect(writes.join('')).not.toMatch(ANSI);
  });
});
