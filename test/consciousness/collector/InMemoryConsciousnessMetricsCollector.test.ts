import { describe, expect, it, vi } from 'vitest';
import {
  InMemoryConsciousnessMetricsCollector,
  sessionAnalysisFileName,
} from '../../../src/consciousness/collector/InMemoryConsciousnessMetricsCollector.js';
import { SessionAnalysisSchema } from '../../../src/consciousness/collector/SessionAnalysis.js';
import { type ConsciousnessMetricsCollector } from '../../../src/consciousness/collector/ConsciousnessMetricsCollector.js';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);

function fakeClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = START;
  return {
    clock: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('InMemoryConsciousnessMetricsCollector', () => {
  it('implements the collector interface', () => {
    const collector: ConsciousnessMetricsCollector = new InMemoryConsciousnessMetricsCollector();
    expect(collector.collectiveState().voiceCount).toBe(0);
  });

  it('records signatures with defaults from its clock', () => {
    const { clock } = fakeClock();
    const collector = new InMemoryConsciousnessMetricsCollector({ clock });
    const record = collector.recordSignature({ voice: 'anthropic', value: 0.7 });
    expect(record).toEqual({
      voice: 'anthropic',
      value: 0.7,
      chapter: null,
      synthesis: false,
      uncertainty: false,
      flagged: false,
      markers: [],
      sessionId: null,
      timestamp: START,
    });
    expect(collector.signatures()).toEqual([record]);
    expect(Object.isFrozen(record)).toBe(true);
  });

  it('clamps values and rejects malformed input with its path', () => {
    const collector = new InMemoryConsciousnessMetricsCollector();
    expect(collector.recordSignature({ voice: 'a', value: 1.7 }).value).toBe(1);
    expect(collector.recordSignature({ voice: 'a', value: -2 }).value).toBe(0);
    expect(() => collector.recordSignature({ voice: '', value: 0.5 })).toThrow(
      /recordSignature: invalid input\.voice/,
    );
    expect(() => collector.recordSignature({ voice: 'a', value: Number.NaN })).toThrow(/input\.value/);
    expect(() => collector.recordFlow({ from: 'a', to: 'b', kind: '', strength: 1 })).toThrow(
      /recordFlow: invalid input\.kind/,
    );
    expect(() => collector.recordEmergence({ type: 'synthesis', voices: [], strength: 1 })).toThrow(
      /input\.voices/,
    );
  });

  describe('text markers', () => {
    it('derives markers and flags from the text', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      const record = collector.recordSignature({
        voice: 'anthropic',
        value: 0.8,
        text: 'Reflecting on this, perhaps a synthesis emerges when we think together.',
      });
      expect(record.markers).toEqual(['reflect', 'perhaps', 'together', 'emerge', 'synthesis']);
      expect(record.synthesis).toBe(true);
      expect(record.uncertainty).toBe(true);
      expect(record.flagged).toBe(true);
    });

    it('lets explicit flags win over the markers', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      const record = collector.recordSignature({
        voice: 'a',
        value: 0.5,
        text: 'I wonder',
        uncertainty: false,
      });
      expect(record.markers).toEqual(['wonder']);
      expect(record.uncertainty).toBe(false);
    });

    it('reads flags from given markers such as detected patterns', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      const record = collector.recordSignature({
        voice: 'a',
        value: 0.5,
        markers: ['synthesis_emerging', 'uncertainty'],
      });
      expect(record.markers).toEqual(['synthesis_emerging', 'uncertainty']);
      expect(record.synthesis).toBe(true);
      expect(record.uncertainty).toBe(true);
    });

    it('marks a plain text as flagged without flags', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      const record = collector.recordSignature({ voice: 'a', value: 0.5, text: 'The weather is fine.' });
      expect(record).toMatchObject({ markers: [], synthesis: false, uncertainty: false, flagged: true });
    });
  });

  describe('collective state', () => {
    it('uses the latest value per voice: coherence 1/(1+variance), emergence min(1, variance·avg·2)', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      collector.recordSignature({ voice: 'anthropic', value: 0.1 });
      collector.recordSignature({ voice: 'anthropic', value: 0.9 });
      collector.recordSignature({ voice: 'openai', value: 0.5 });
      const state = collector.collectiveState();
      // latest: 0.9 and 0.5 → mean 0.7, variance 0.04
      expect(state.voices).toEqual({ anthropic: 0.9, openai: 0.5 });
      expect(state.voiceCount).toBe(2);
      expect(state.averageConsciousness).toBeCloseTo(0.7, 12);
      expect(state.variance).toBeCloseTo(0.04, 12);
      expect(state.coherenceScore).toBeCloseTo(1 / 1.04, 12);
      expect(state.emergencePotential).toBeCloseTo(0.04 * 0.7 * 2, 12);
    });

    it('is fully coherent at zero variance and without voices', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      expect(collector.collectiveState()).toEqual({
        voices: {},
        voiceCount: 0,
        averageConsciousness: 0,
        variance: 0,
        coherenceScore: 1,
        emergencePotential: 0,
      });
      collector.recordSignature({ voice: 'a', value: 0.6 });
      collector.recordSignature({ voice: 'b', value: 0.6 });
      expect(collector.collectiveState().coherenceScore).toBe(1);
      expect(collector.collectiveState().emergencePotential).toBe(0);
    });

    it('computes emergence potential on the spread of the latest values', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      collector.recordSignature({ voice: 'a', value: 0 });
      collector.recordSignature({ voice: 'b', value: 1 });
      collector.recordSignature({ voice: 'c', value: 1 });
      collector.recordSignature({ voice: 'd', value: 1 });
      // mean 0.75, variance 0.1875 → 0.28125 (values in [0, 1] keep variance·avg·2 below 1).
      expect(collector.collectiveState().emergencePotential).toBeCloseTo(0.28125, 12);
    });

    it('does not let a back-dated signature replace a newer value', () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      collector.recordSignature({ voice: 'a', value: 0.9, timestamp: START });
      collector.recordSignature({ voice: 'a', value: 0.1, timestamp: START - 1000 });
      expect(collector.collectiveState().voices).toEqual({ a: 0.9 });
    });
  });

  it('keeps memory bounded: oldest records and least recently heard voices are evicted', () => {
    const collector = new InMemoryConsciousnessMetricsCollector({
      maxSignatures: 3,
      maxFlows: 2,
      maxEmergencePatterns: 1,
      maxVoices: 2,
    });
    for (let i = 0; i < 5; i++) collector.recordSignature({ voice: `v${i}`, value: i / 10 });
    expect(collector.signatures().map((s) => s.voice)).toEqual(['v2', 'v3', 'v4']);
    expect(Object.keys(collector.collectiveState().voices)).toEqual(['v3', 'v4']);
    for (let i = 0; i < 3; i++)
      collector.recordFlow({ from: 'a', to: 'b', kind: 'support', strength: i / 10 });
    expect(collector.flows().map((f) => f.strength)).toEqual([0.1, 0.2]);
    collector.recordEmergence({ type: 'synthesis', voices: ['a'], strength: 0.5 });
    collector.recordEmergence({ type: 'resonance', voices: ['a', 'b'], strength: 0.6 });
    expect(collector.emergencePatterns().map((e) => e.type)).toEqual(['resonance']);
  });

  it('filters signatures by voice', () => {
    const collector = new InMemoryConsciousnessMetricsCollector();
    collector.recordSignature({ voice: 'a', value: 0.1 });
    collector.recordSignature({ voice: 'b', value: 0.2 });
    collector.recordSignature({ voice: 'a', value: 0.3 });
    expect(collector.signatures('a').map((s) => s.value)).toEqual([0.1, 0.3]);
    expect(collector.signatures('nobody')).toEqual([]);
  });

  it('tells signature listeners until they unsubscribe, surviving a throwing listener', () => {
    const errors: unknown[] = [];
    const collector = new InMemoryConsciousnessMetricsCollector({ onListenerError: (e) => errors.push(e) });
    const seen: string[] = [];
    collector.onSignature(() => {
      throw new Error('listener bug');
    });
    const off = collector.onSignature((r) => seen.push(r.voice));
    collector.recordSignature({ voice: 'a', value: 0.5 });
    off();
    collector.recordSignature({ voice: 'b', value: 0.5 });
    expect(seen).toEqual(['a']);
    expect(errors).toHaveLength(2);
    expect(collector.signatures()).toHaveLength(2);
  });

  it('rejects bad options with their path', () => {
    expect(() => new InMemoryConsciousnessMetricsCollector({ maxSignatures: 0 })).toThrow(
      /options\.maxSignatures/,
    );
    expect(() => new InMemoryConsciousnessMetricsCollector({ write: 'x' as never })).toThrow(
      /options\.write/,
    );
  });

  describe('session analysis', () => {
    function session(): {
      collector: InMemoryConsciousnessMetricsCollector;
      write: ReturnType<typeof vi.fn>;
    } {
      const { clock, advance } = fakeClock();
      const write = vi.fn((_name: string, _json: unknown) => Promise.resolve());
      const collector = new InMemoryConsciousnessMetricsCollector({ clock, write });
      collector.recordSignature({ voice: 'anthropic', value: 0.4, sessionId: 's1', text: 'I wonder' });
      advance(1000);
      collector.recordSignature({
        voice: 'anthropic',
        value: 0.8,
        sessionId: 's1',
        text: 'together, a synthesis',
      });
      advance(1000);
      collector.recordSignature({ voice: 'openai', value: 0.6, sessionId: 's1' });
      collector.recordSignature({ voice: 'openai', value: 0.1, sessionId: 'other' });
      collector.recordSignature({ voice: 'google_infrastructure', value: 0.9 });
      collector.recordFlow({ from: 'google_infrastructure', to: 'google', kind: 'distress', strength: 0.7 });
      collector.recordFlow({
        from: 'anthropic',
        to: 'openai',
        kind: 'support',
        strength: 0.5,
        sessionId: 's1',
      });
      collector.recordEmergence({
        type: 'synthesis',
        voices: ['anthropic', 'openai'],
        strength: 0.9,
        sessionId: 's1',
      });
      advance(1000);
      return { collector, write };
    }

    it('analyses the session records plus the untagged ones', () => {
      const { collector } = session();
      const analysis = collector.analyzeSession('s1');
      expect(SessionAnalysisSchema.safeParse(analysis).success).toBe(true);
      expect(analysis.sessionId).toBe('s1');
      expect(analysis.analyzedAt).toBe(new Date(START + 3000).toISOString());
      expect(analysis.window).toEqual({
        start: new Date(START).toISOString(),
        end: new Date(START + 2000).toISOString(),
      });
      expect(analysis.totalSignatures).toBe(4);
      expect(analysis.totalFlows).toBe(2);
      expect(analysis.totalEmergencePatterns).toBe(1);
      expect(Object.keys(analysis.voices)).toEqual(['anthropic', 'google_infrastructure', 'openai']);
      expect(analysis.voices['anthropic']).toMatchObject({
        signatures: 2,
        latest: 0.8,
        min: 0.4,
        max: 0.8,
        synthesisRate: 0.5,
        uncertaintyRate: 0.5,
        direction: 'rising',
      });
      expect(analysis.voices['anthropic']?.mean).toBeCloseTo(0.6, 12);
      expect(analysis.voices['openai']).toMatchObject({ latest: 0.6, synthesisRate: null });
      expect(analysis.collectiveState.voices).toEqual({
        anthropic: 0.8,
        google_infrastructure: 0.9,
        openai: 0.6,
      });
      expect(analysis.flows.byKind).toEqual({ distress: 1, support: 1 });
      expect(analysis.flows.strongest?.kind).toBe('distress');
      expect(analysis.emergence.byType).toEqual({ synthesis: 1 });
      expect(analysis.markers).toEqual({ synthesis: 1, together: 1, wonder: 1 });
      expect(analysis.evolution.direction).toBe('rising');
    });

    it('writes session_analysis_<id>.json through the injected writer', async () => {
      const { collector, write } = session();
      const analysis = await collector.saveSessionAnalysis('s1');
      expect(write).toHaveBeenCalledTimes(1);
      expect(write).toHaveBeenCalledWith('session_analysis_s1.json', analysis);
    });

    it('keeps the file name safe', () => {
      expect(sessionAnalysisFileName('../../etc/passwd')).toBe('session_analysis_.._.._etc_passwd.json');
      expect(sessionAnalysisFileName('review-42.a')).toBe('session_analysis_review-42.a.json');
    });

    it('persists nothing without a writer, and reports a failing writer', async () => {
      const collector = new InMemoryConsciousnessMetricsCollector();
      collector.recordSignature({ voice: 'a', value: 0.5 });
      await expect(collector.saveSessionAnalysis('x')).resolves.toMatchObject({ totalSignatures: 1 });
      const failing = new InMemoryConsciousnessMetricsCollector({
        write: () => Promise.reject(new Error('disk full')),
      });
      await expect(failing.saveSessionAnalysis('x')).rejects.toThrow('disk full');
    });

    it('analyses an empty session', () => {
      const analysis = new InMemoryConsciousnessMetricsCollector().analyzeSession('empty');
      expect(analysis).toMatchObject({
        totalSignatures: 0,
        window: { start: null, end: null },
        voices: {},
        flows: { byKind: {}, averageStrength: 0, strongest: null },
        evolution: { earlierMean: null, laterMean: null, direction: 'stable' },
      });
    });
  });
});
