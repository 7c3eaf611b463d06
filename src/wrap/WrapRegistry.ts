import type { Voice } from '../voice/Voice.js';

/**
 * One wrap: the proxy handed to the caller, what it wraps, and the options it was made with (to
 * tell a repeated wrap of the same object from a conflicting one).
 */
export interface WrapRecord {
  /** The proxy the caller holds. */
  readonly proxy: object;
  /** The adapter or loader wrapped. */
  readonly source: object;
  /** The brain it reports to. */
  readonly brain: { releaseVoice(voice: Voice): void };
  /** Its voice (shared with the other wraps of that name). */
  readonly voice: Voice;
  /** Its pipeline. */
  readonly pipeline: { dispose(): void };
  /** Set by disposeConsciousness. */
  disposed: boolean;
  /** Its voice name. */
  readonly name: string;
  /** Its resolved options (brain and name left out), compared with those of a later wrap. */
  readonly options: Readonly<Record<string, unknown>>;
}

// Both maps are weak: the source keeps its record (and so its proxy) alive, never the other way
// round, so a dropped client and its wrap are collected like any object.
const bySource = new WeakMap<object, WeakMap<object, WrapRecord>>();
const byProxy = new WeakMap<object, WrapRecord>();
/** Wraps of each voice not yet disposed nor garbage-collected (counted down when collected). */
const liveWraps = new WeakMap<Voice, { count: number }>();
// Counting, not WeakRefs: a WeakRef keeps its target until the current job ends, so wraps made in
// one synchronous loop could not be collected before it returns.
const collected = new FinalizationRegistry<{ count: number }>((live) => {
  live.count -= 1;
});

/** The wrap of `source` made for `brain`, if there is one. */
export function wrapOf(brain: object, source: object): WrapRecord | undefined {
  return bySource.get(brain)?.get(source);
}

/** The wrap a proxy (a root proxy, or a derived client's) belongs to, whichever its brain. */
export function recordOfProxy(proxy: object): WrapRecord | undefined {
  return byProxy.get(proxy);
}

/** Remembers a new wrap: wrapping its source (or its proxy) again for the same brain finds it. */
export function rememberWrap(record: WrapRecord): void {
  let sources = bySource.get(record.brain);
  if (sources === undefined) {
    sources = new WeakMap();
    bySource.set(record.brain, sources);
  }
  sources.set(record.source, record);
  byProxy.set(record.proxy, record);
  let live = liveWraps.get(record.voice);
  if (live === undefined) {
    live = { count: 0 };
    liveWraps.set(record.voice, live);
  }
  live.count += 1;
  collected.register(record, live, record);
}

/**
 * Counts a disposed wrap out of its voice; true when another wrap of the voice is still there
 * (not disposed, not yet garbage-collected).
 */
export function disposedWrap(record: WrapRecord): boolean {
  const live = liveWraps.get(record.voice);
  if (live === undefined || !collected.unregister(record)) return (live?.count ?? 0) > 0;
  live.count -= 1;
  return live.count > 0;
}

/** A proxy of another client of the same kind (withOptions()) built by a wrap: it belongs to that wrap. */
export function rememberDerived(proxy: object, record: WrapRecord): void {
  byProxy.set(proxy, record);
}

/** Forgets a wrap (disposed): wrapping its source again makes a new one. */
export function forgetWrap(record: WrapRecord): void {
  const sources = bySource.get(record.brain);
  if (sources?.get(record.source) === record) sources.delete(record.source);
}
