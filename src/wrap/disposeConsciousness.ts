import { disposedWrap, forgetWrap, recordOfProxy } from './WrapRegistry.js';

/**
 * Disposes a wrap made by withConsciousness (its proxy, or a client derived from it): its idle
 * timers are stopped and a loader's load timeout cleared; calls through it from then on are
 * refused with `WrapDisposedError` (calls in flight finish as they would have); wrapping the
 * object again makes a new wrap. When no other wrap of its voice is left (every other one
 * disposed or garbage-collected), the voice is released too: it leaves the brain's registry,
 * /health and /report, and its metric series are removed. Returns false when the wrap was
 * already disposed; throws a TypeError for anything that is not a wrap.
 */
export function disposeConsciousness(wrapped: object): boolean {
  const record = recordOfProxy(wrapped);
  if (record === undefined) {
    throw new TypeError('disposeConsciousness(wrapped): expected a wrap made by withConsciousness');
  }
  if (record.disposed) return false;
  record.disposed = true;
  forgetWrap(record);
  record.pipeline.dispose();
  if (!disposedWrap(record)) record.brain.releaseVoice(record.voice);
  return true;
}
