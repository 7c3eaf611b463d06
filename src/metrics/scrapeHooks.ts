import { stateOn, peekStateOn } from './metricState.js';

const KEY = 'scrapeHooks';
type HookSet = Set<WeakRef<() => void>>;

/**
 * Runs `hook` whenever the registry reads `metric` (prom-client calls `collect` first). Held
 * weakly: an instance that is garbage-collected stops being called and is not kept alive.
 */
export function addScrapeHook(metric: object, hook: () => void): void {
  stateOn<HookSet>(metric, KEY, () => new Set()).add(new WeakRef(hook));
}

/** Calls the live scrape hooks of `metric`; a throwing hook is reported, never fails the scrape. */
export function runScrapeHooks(metric: object): void {
  const hooks = peekStateOn<HookSet>(metric, KEY);
  if (hooks === undefined) return;
  for (const ref of hooks) {
    const hook = ref.deref();
    if (hook === undefined) {
      hooks.delete(ref);
      continue;
    }
    try {
      hook();
    } catch (err) {
      process.emitWarning(`infrastructure-consciousness: metrics collect hook failed: ${String(err)}`);
    }
  }
}
