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
  readonly brain: object;
  /** Its voice name. */
  readonly name: string;
  /** Its resolved options (brain and name left out), compared with those of a later wrap. */
  readonly options: Readonly<Record<string, unknown>>;
}

// Both maps are weak: the source keeps its record (and so its proxy) alive, never the other way
// round, so a dropped client and its wrap are collected like any object.
const bySource = new WeakMap<object, WeakMap<object, WrapRecord>>();
const byProxy = new WeakMap<object, WrapRecord>();

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
