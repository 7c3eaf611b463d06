import { ConsciousnessError } from '../../errors/ConsciousnessError.js';

/**
 * A provider that needs an API key has none (neither in the options nor in the environment). It is
 * raised on the first call, not at construction, so a Fire Circle can still start and fall back
 * to its other voices; it counts as `auth` (no retry).
 */
export class MissingApiKeyError extends ConsciousnessError {
  /** The provider without a key. */
  readonly provider: string;
  /** The environment variable that was read. */
  readonly envVar: string;

  /** `envVar` is named in the message so the fix is obvious. */
  constructor(provider: string, envVar: string) {
    super('auth', `${provider} adapter has no API key: pass options.apiKey or set ${envVar}`);
    this.provider = provider;
    this.envVar = envVar;
  }
}
