/**
 * The key-set fingerprint of a response (api_change detection). Hashing the keys allocates
 * nothing; the string is built only when the hash differs from the last one seen for the voice.
 */
export class ResponseShape {
  private lastHash = 0;
  private lastShape: string | undefined;

  /** Fingerprint of an object response (`choices,id,model`), undefined for anything else. */
  of(response: unknown): string | undefined {
    if (typeof response !== 'object' || response === null || Array.isArray(response)) return undefined;
    let hash = 2166136261;
    let count = 0;
    for (const key in response) {
      for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
      hash = Math.imul(hash ^ 44, 16777619);
      if (++count > 64) break;
    }
    if (hash === this.lastHash && this.lastShape !== undefined) return this.lastShape;
    this.lastHash = hash;
    this.lastShape = Object.keys(response).slice(0, 64).join(',');
    return this.lastShape;
  }
}
