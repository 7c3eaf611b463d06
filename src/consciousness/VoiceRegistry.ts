import type { ConsciousnessLogger } from '../logging/createLogger.js';
import { OVERFLOW_LABEL_VALUE as OVERFLOW_VOICE } from '../metrics/metricNames.js';
import type { Voice } from '../voice/Voice.js';
import type { CapGuard } from './CapGuard.js';
import { VoiceNames, voiceNameOf } from './VoiceNames.js';

/** What the registry needs: the voice cap, where to warn, and how a voice is made. */
export interface VoiceRegistryOptions {
  readonly maxVoices: number;
  readonly caps: CapGuard;
  readonly logger: ConsciousnessLogger;
  /** Makes the voice of a new name (the brain wires it to itself and its learning loop). */
  readonly create: (name: string) => Voice;
}

/** A wrapped adapter as the brain knows it: its voice name and the adapter it wraps now. */
interface Adopted {
  readonly name: string;
  readonly current: () => object | undefined;
}

/**
 * The brain's voices by name, with the one naming rule ({@link voiceNameOf}): names claimed by
 * adapters, the `maxVoices` cap (further names share the overflow voice `other`), and the wrapped
 * adapters withConsciousness made, so monitoring probes the adapter itself under its voice.
 */
export class VoiceRegistry {
  private readonly voices = new Map<string, Voice>();
  /** Adapters that claimed a derived voice name (see claimName). */
  private readonly claims = new VoiceNames();
  /** Collision warnings already given, per derived name (one each). */
  private readonly renamedWarned = new Set<string>();
  private readonly adopted = new WeakMap<object, Adopted>();

  constructor(private readonly options: VoiceRegistryOptions) {}

  /** Number of voices. */
  get size(): number {
    return this.voices.size;
  }

  /** Names of the voices, in creation order. */
  names(): string[] {
    return [...this.voices.keys()];
  }

  /** The voices, in creation order. */
  values(): IterableIterator<Voice> {
    return this.voices.values();
  }

  /** The voice of `name`, if it exists (never creates one). */
  get(name: string): Voice | undefined {
    return this.voices.get(name);
  }

  /** Removes a voice (its last wrap was disposed); a later wrap of its name makes a new one. */
  release(voice: Voice): boolean {
    if (this.voices.get(voice.name) !== voice) return false;
    this.voices.delete(voice.name);
    return true;
  }

  /** The voice of `name`, created on first use; beyond `maxVoices`, the overflow voice. */
  voice(name: string): Voice {
    let voice = this.voices.get(name);
    if (voice === undefined && this.voices.size >= this.options.maxVoices) {
      this.options.caps.exceeded(
        'voices',
        this.options.maxVoices,
        { adapter: name },
        `new voices report as ${OVERFLOW_VOICE}`,
      );
      name = OVERFLOW_VOICE;
      voice = this.voices.get(name);
    }
    if (voice === undefined) {
      voice = this.options.create(name);
      this.voices.set(name, voice);
    }
    return voice;
  }

  /**
   * The voice name for an adapter whose name was derived: `name` itself unless a different adapter
   * already reports under it, then `name-2`, `name-3`… with one warning per name.
   */
  claimName(name: string, owner: object, endpoint?: string): string {
    const claimed = this.claims.claim(name, owner, endpoint);
    if (
      claimed.renamed &&
      !this.renamedWarned.has(name) &&
      this.renamedWarned.size < this.options.maxVoices
    ) {
      this.renamedWarned.add(name);
      this.options.logger.warn(
        { adapter: claimed.name, derivedName: name },
        `voice name ${name} is used by another adapter: this one reports as ${claimed.name} (set options.name; logged once per name)`,
      );
    }
    return claimed.name;
  }

  /** Remembers a wrapped adapter's voice name and how to reach the adapter it wraps. */
  adopt(wrapped: object, name: string, current: () => object | undefined): void {
    this.adopted.set(wrapped, { name, current });
  }

  /** The voice and the raw adapter to probe for a monitored object, wrapped or raw. */
  monitored(adapter: object): { voice: Voice; adapter: object } {
    const wrapped = this.adopted.get(adapter);
    const raw = wrapped?.current() ?? adapter;
    return { voice: this.voice(wrapped?.name ?? voiceNameOf(raw) ?? 'adapter'), adapter: raw };
  }
}
