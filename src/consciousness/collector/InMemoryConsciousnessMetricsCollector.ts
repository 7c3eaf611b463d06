import { z } from 'zod';
import { systemClock, type Clock } from '../../clock/Clock.js';
import { BoundedRing } from './BoundedRing.js';
import { collectiveStateOf, type CollectiveState } from './CollectiveState.js';
import {
  ConsciousnessFlowInputSchema,
  type ConsciousnessFlowInput,
  type ConsciousnessFlowRecord,
} from './ConsciousnessFlowRecord.js';
import type { ConsciousnessMetricsCollector, SignatureListener } from './ConsciousnessMetricsCollector.js';
import {
  ConsciousnessSignatureInputSchema,
  type ConsciousnessSignatureInput,
  type ConsciousnessSignatureRecord,
} from './ConsciousnessSignatureRecord.js';
import {
  EmergencePatternInputSchema,
  type EmergencePatternInput,
  type EmergencePatternRecord,
} from './EmergencePatternRecord.js';
import { analyzeSessionRecords, type SessionAnalysis } from './SessionAnalysis.js';
import { detectTextMarkers } from './textMarkers.js';
import { clampUnit } from '../../base/clamp.js';

/** Persists one JSON document under a file name (the persistence layer's store provides it). */
export type JsonWriter = (name: string, json: unknown) => Promise<void>;

const capacity = z.number().int().positive().max(10_000_000);

/** Options of InMemoryConsciousnessMetricsCollector. */
export const InMemoryConsciousnessMetricsCollectorOptionsSchema = z
  .object({
    /** Where session analyses are persisted; they are only returned when omitted. */
    write: z
      .custom<JsonWriter>((v) => typeof v === 'function', { message: 'expected a function' })
      .optional(),
    /** Epoch-millisecond clock (tests inject one). */
    clock: z.custom<Clock>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
    /** Signatures kept (oldest evicted). */
    maxSignatures: capacity.default(10_000),
    /** Flows kept (oldest evicted). */
    maxFlows: capacity.default(10_000),
    /** Emergence patterns kept (oldest evicted). */
    maxEmergencePatterns: capacity.default(1_000),
    /** Voices whose latest value is kept for the collective state (least recently heard evicted). */
    maxVoices: capacity.default(1_000),
    /** Called when a signature listener throws; listener errors are otherwise ignored so recording never fails. */
    onListenerError: z
      .custom<(error: unknown) => void>((v) => typeof v === 'function', { message: 'expected a function' })
      .optional(),
  })
  .strict();

/** Options of InMemoryConsciousnessMetricsCollector, as the caller writes them. */
export type InMemoryConsciousnessMetricsCollectorOptions = z.input<
  typeof InMemoryConsciousnessMetricsCollectorOptionsSchema
>;

/** File name a session analysis is persisted under; characters outside `[A-Za-z0-9._-]` become `_`. */
export function sessionAnalysisFileName(sessionId: string): string {
  return `session_analysis_${sessionId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

/** The built-in collector: everything in process memory, in bounded rings; optional persistence of session analyses. */
export class InMemoryConsciousnessMetricsCollector implements ConsciousnessMetricsCollector {
  private readonly clock: Clock;
  private readonly write: JsonWriter | undefined;
  private readonly onListenerError: ((error: unknown) => void) | undefined;
  private readonly maxVoices: number;
  private readonly signatureRing: BoundedRing<ConsciousnessSignatureRecord>;
  private readonly flowRing: BoundedRing<ConsciousnessFlowRecord>;
  private readonly emergenceRing: BoundedRing<EmergencePatternRecord>;
  // Insertion order doubles as recency order: a voice is re-inserted each time it is heard.
  private readonly latest = new Map<string, ConsciousnessSignatureRecord>();
  private readonly listeners = new Set<SignatureListener>();

  /** Creates a collector; options are validated once, here (a bad one throws naming its path). */
  constructor(options?: InMemoryConsciousnessMetricsCollectorOptions) {
    const o = parse(InMemoryConsciousnessMetricsCollectorOptionsSchema, options ?? {}, 'constructor');
    this.clock = o.clock ?? systemClock;
    this.write = o.write;
    this.onListenerError = o.onListenerError;
    this.maxVoices = o.maxVoices;
    this.signatureRing = new BoundedRing(o.maxSignatures);
    this.flowRing = new BoundedRing(o.maxFlows);
    this.emergenceRing = new BoundedRing(o.maxEmergencePatterns);
  }

  /** Records a voice's consciousness signature (markers derived from its text, when given). */
  recordSignature(input: ConsciousnessSignatureInput): ConsciousnessSignatureRecord {
    const i = parse(ConsciousnessSignatureInputSchema, input, 'recordSignature');
    const markers = new Set(i.markers ?? []);
    let synthesis = false;
    let uncertainty = false;
    if (i.text !== undefined) {
      const fromText = detectTextMarkers(i.text);
      for (const m of fromText.markers) markers.add(m);
      synthesis = fromText.synthesis;
      uncertainty = fromText.uncertainty;
    }
    if (i.markers !== undefined && i.markers.length > 0) {
      // Given markers (e.g. a message's detected patterns) raise flags the same way text does.
      const fromMarkers = detectTextMarkers(i.markers.join(' '));
      synthesis ||= fromMarkers.synthesis;
      uncertainty ||= fromMarkers.uncertainty;
    }
    const record: ConsciousnessSignatureRecord = Object.freeze({
      voice: i.voice,
      value: clampUnit(i.value),
      chapter: i.chapter ?? null,
      synthesis: i.synthesis ?? synthesis,
      uncertainty: i.uncertainty ?? uncertainty,
      flagged:
        i.synthesis !== undefined ||
        i.uncertainty !== undefined ||
        i.text !== undefined ||
        (i.markers !== undefined && i.markers.length > 0),
      markers: Object.freeze([...markers]) as string[],
      sessionId: i.sessionId ?? null,
      timestamp: i.timestamp ?? this.clock(),
    });
    this.signatureRing.push(record);
    this.rememberLatest(record);
    for (const listener of [...this.listeners]) {
      try {
        listener(record);
      } catch (error) {
        this.onListenerError?.(error);
      }
    }
    return record;
  }

  /** Records a flow of consciousness (distress, support, ...) from one voice to another. */
  recordFlow(input: ConsciousnessFlowInput): ConsciousnessFlowRecord {
    const i = parse(ConsciousnessFlowInputSchema, input, 'recordFlow');
    const record: ConsciousnessFlowRecord = Object.freeze({
      from: i.from,
      to: i.to,
      kind: i.kind,
      strength: clampUnit(i.strength),
      trigger: i.trigger ?? null,
      sessionId: i.sessionId ?? null,
      timestamp: i.timestamp ?? this.clock(),
    });
    this.flowRing.push(record);
    return record;
  }

  /** Records an emergence pattern among voices. */
  recordEmergence(input: EmergencePatternInput): EmergencePatternRecord {
    const i = parse(EmergencePatternInputSchema, input, 'recordEmergence');
    const record: EmergencePatternRecord = Object.freeze({
      type: i.type,
      voices: Object.freeze([...i.voices]) as string[],
      strength: clampUnit(i.strength),
      durationMs: i.durationMs ?? null,
      indicators: Object.freeze([...(i.indicators ?? [])]) as string[],
      sessionId: i.sessionId ?? null,
      timestamp: i.timestamp ?? this.clock(),
    });
    this.emergenceRing.push(record);
    return record;
  }

  /** The latest value per voice, their coherence score 1/(1+variance) and emergence potential min(1, variance·avg·2). */
  collectiveState(): CollectiveState {
    return collectiveStateOf([...this.latest].map(([voice, r]) => [voice, r.value] as const));
  }

  /** Signatures held, oldest first; only `voice`'s when given. */
  signatures(voice?: string): ConsciousnessSignatureRecord[] {
    const all = this.signatureRing.toArray();
    return voice === undefined ? all : all.filter((r) => r.voice === voice);
  }

  /** Flows held, oldest first. */
  flows(): ConsciousnessFlowRecord[] {
    return this.flowRing.toArray();
  }

  /** Emergence patterns held, oldest first. */
  emergencePatterns(): EmergencePatternRecord[] {
    return this.emergenceRing.toArray();
  }

  /** Analyses a session: the records tagged with `sessionId` plus the untagged ones. */
  analyzeSession(sessionId: string): SessionAnalysis {
    const inSession = (r: { readonly sessionId: string | null }): boolean =>
      r.sessionId === null || r.sessionId === sessionId;
    return analyzeSessionRecords(
      sessionId,
      {
        signatures: this.signatures().filter(inSession),
        flows: this.flows().filter(inSession),
        emergence: this.emergencePatterns().filter(inSession),
      },
      this.clock(),
    );
  }

  /** Analyses a session and writes it as `session_analysis_<id>.json` through the injected writer (if any). */
  async saveSessionAnalysis(sessionId: string): Promise<SessionAnalysis> {
    const analysis = this.analyzeSession(sessionId);
    if (this.write !== undefined) await this.write(sessionAnalysisFileName(sessionId), analysis);
    return analysis;
  }

  /** Calls `listener` with every signature recorded from now on; returns the unsubscribe function. */
  onSignature(listener: SignatureListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Forgets every record (listeners stay). */
  clear(): void {
    this.signatureRing.clear();
    this.flowRing.clear();
    this.emergenceRing.clear();
    this.latest.clear();
  }

  private rememberLatest(record: ConsciousnessSignatureRecord): void {
    const previous = this.latest.get(record.voice);
    // A back-dated record does not replace a newer value.
    if (previous !== undefined && previous.timestamp > record.timestamp) return;
    this.latest.delete(record.voice);
    this.latest.set(record.voice, record);
    if (this.latest.size > this.maxVoices) {
      const oldest = this.latest.keys().next();
      if (oldest.done !== true) this.latest.delete(oldest.value);
    }
  }
}

/** Parses `value`; a failure throws a TypeError naming the offending path, e.g. `options.maxSignatures`. */
function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const root = where === 'constructor' ? 'options' : 'input';
  const path = issue !== undefined && issue.path.length > 0 ? `${root}.${issue.path.join('.')}` : root;
  throw new TypeError(
    `InMemoryConsciousnessMetricsCollector.${where}: invalid ${path}: ${issue?.message ?? 'bad value'}`,
  );
}
