/** Endpoints remembered for sharing names (beyond it, new endpoints get their own names). */
const MAX_ENDPOINTS = 1000;

/**
 * Derived voice names claimed by adapters: the first adapter of a provider reports as `openai`, a
 * different one as `openai-2`, `openai-3`… Claiming is O(1) amortised (a counter per base name, not
 * a scan of every name taken), and owners are held weakly: dead entries are pruned whenever the
 * table has doubled since the last prune, so dropped adapters do not accumulate.
 */
export class VoiceNames {
  private readonly owners = new Map<string, WeakRef<object>>();
  private readonly nameOf = new WeakMap<object, string>();
  private readonly nextSuffix = new Map<string, number>();
  private pruneAt = 64;

  /** The name already taken per derived name and endpoint (clients of one endpoint are one voice). */
  private readonly byEndpoint = new Map<string, string>();

  /**
   * The name for `owner` under `base`, and whether it had to differ from `base`. Owners with the
   * same `endpoint` (an SDK client's kind and baseURL: a client built per request) share a name.
   */
  claim(base: string, owner: object, endpoint?: string): { name: string; renamed: boolean } {
    const mine = this.nameOf.get(owner);
    if (mine !== undefined && (mine === base || mine.startsWith(`${base}-`))) {
      return { name: mine, renamed: mine !== base };
    }
    const key = endpoint === undefined ? undefined : `${base}\u0000${endpoint}`;
    const shared = key === undefined ? undefined : this.byEndpoint.get(key);
    if (shared !== undefined) {
      this.nameOf.set(owner, shared);
      return { name: shared, renamed: shared !== base };
    }
    const claimed = this.claimNew(base, owner);
    if (key !== undefined && this.byEndpoint.size < MAX_ENDPOINTS) {
      this.byEndpoint.set(key, claimed.name);
      this.endpointNames.add(claimed.name);
    }
    return claimed;
  }

  /** Names held by an endpoint: taken even after their last client was collected. */
  private readonly endpointNames = new Set<string>();

  private free(name: string): boolean {
    return this.owners.get(name)?.deref() === undefined && !this.endpointNames.has(name);
  }

  private claimNew(base: string, owner: object): { name: string; renamed: boolean } {
    if (this.free(base)) return { name: this.take(base, owner), renamed: false };
    let n = this.nextSuffix.get(base) ?? 2;
    while (!this.free(`${base}-${n}`)) n++;
    this.nextSuffix.set(base, n + 1);
    return { name: this.take(`${base}-${n}`, owner), renamed: true };
  }

  private take(name: string, owner: object): string {
    this.owners.set(name, new WeakRef(owner));
    this.nameOf.set(owner, name);
    if (this.owners.size >= this.pruneAt) {
      for (const [key, ref] of this.owners) if (ref.deref() === undefined) this.owners.delete(key);
      this.pruneAt = Math.max(64, this.owners.size * 2);
    }
    return name;
  }
}

/** A voice name made safe for labels and logs: letters, digits, `_ . : -`, at most 64 characters. */
export function sanitizeVoiceName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64) || 'adapter';
}

/**
 * The naming rule for a voice not given a name: an adapter's `providerName`, else its `name`, else
 * its class name, else `adapter`; a loader's `adapterName` (undefined when it has none).
 */
export function voiceNameOf(adapter: unknown): string | undefined {
  if (typeof adapter === 'function') {
    const loaderName = (adapter as { adapterName?: unknown }).adapterName;
    return typeof loaderName === 'string' && loaderName !== '' ? sanitizeVoiceName(loaderName) : undefined;
  }
  const a = adapter as { providerName?: unknown; name?: unknown; constructor?: { name?: unknown } };
  const candidate = [a.providerName, a.name, a.constructor?.name].find(
    (v): v is string => typeof v === 'string' && v.length > 0 && v !== 'Object',
  );
  return sanitizeVoiceName(candidate ?? 'adapter');
}
