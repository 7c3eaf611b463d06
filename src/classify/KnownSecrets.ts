// Mistral, Azure and Together keys have no prefix a pattern could know: the credentials of the
// clients we wrap are collected here, only to be replaced by `[REDACTED]` wherever they appear.

// A secret has no whitespace and 8+ characters with a digit, or 16+ characters: placeholders
// (`local`, `not-needed`, `undefined`) must not turn every such word in a log into [REDACTED].
const SECRET_SHAPE = /^(?=\S*\d)\S{8,}$|^\S{16,}$/;
/** At most this many secrets are kept (the oldest goes first): a key per tenant must not grow it forever. */
const MAX_SECRETS = 256;
const MAX_DEPTH = 3;
const MAX_PROPERTIES = 500;

// Property names whose string value is a credential (`apiKey`, `authToken`, `_options.apiKey`,
// `defaultHeaders['api-key']`, `Ocp-Apim-Subscription-Key`, `Authorization`, `password`).
const CREDENTIAL_NAME =
  /(?:api[-_]?key|subscription[-_]?key|access[-_]?key|secret[-_]?key|auth[-_]?token|access[-_]?token|bearer[-_]?token|(?:^|[-_])token|authorization|secret|password|passwd|credential)s?$/i;
// Environment variables holding credentials (read once, at the first registration).
const CREDENTIAL_ENV = /(?:API_?KEY|_TOKEN|_SECRET|_PASSWORD|SUBSCRIPTION_KEY)$/i;
const AUTH_SCHEME = /^(?:bearer|basic|token)\s+/i;

interface SecretSet {
  readonly values: Set<string>;
  pattern: RegExp | undefined;
  envRead: boolean;
}

// Kept on globalThis so a second copy of this module (dual installs, bundles) redacts the same keys.
const KEY = Symbol.for('infrastructure-consciousness.known-secrets');
const holder = globalThis as { [KEY]?: SecretSet };
const secrets: SecretSet = (holder[KEY] ??= { values: new Set(), pattern: undefined, envRead: false });

/** Adds one credential to the redaction set (ignored unless it looks like one: see SECRET_SHAPE). */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const secret = value.replace(AUTH_SCHEME, '').trim();
  if (!SECRET_SHAPE.test(secret) || secrets.values.has(secret)) return;
  if (secrets.values.size >= MAX_SECRETS) {
    const oldest = secrets.values.values().next().value;
    if (oldest !== undefined) secrets.values.delete(oldest);
  }
  secrets.values.add(secret);
  secrets.pattern = undefined;
}

/**
 * Collects the credentials of a client or adapter into the redaction set: string properties
 * named like a credential (`apiKey`, `authToken`, `api-key` / `Ocp-Apim-Subscription-Key`
 * headers, …) of the object and of the objects it holds (its options, its SDK client), read
 * without calling getters; plus, the first time, credential-named environment variables
 * (`MISTRAL_API_KEY`, `HF_TOKEN`, …). Nothing is kept but the redaction set.
 */
export function registerSecretsOf(client: unknown): void {
  if (!secrets.envRead) {
    secrets.envRead = true;
    for (const [name, value] of Object.entries(process.env)) {
      if (CREDENTIAL_ENV.test(name)) registerSecret(value);
    }
  }
  try {
    collect(client, 0, new Set(), { left: MAX_PROPERTIES });
  } catch {
    // A hostile object (a throwing proxy trap) must not stop the wrap: it just adds nothing.
  }
}

function collect(value: unknown, depth: number, seen: Set<object>, budget: { left: number }): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return;
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || value instanceof Promise)
    return;
  seen.add(value);
  for (const key of Object.getOwnPropertyNames(value)) {
    if (--budget.left < 0) return;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const field: unknown = descriptor.value;
    if (typeof field === 'string') {
      if (CREDENTIAL_NAME.test(key)) registerSecret(field);
    } else if (typeof field === 'object') {
      collect(field, depth + 1, seen, budget);
    }
  }
}

/** Replaces every registered credential in `text` with `[REDACTED]`. */
export function redactKnownSecrets(text: string): string {
  if (secrets.values.size === 0) return text;
  secrets.pattern ??= new RegExp(
    [...secrets.values]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return text.replace(secrets.pattern, '[REDACTED]');
}

/** How many credentials the redaction set holds (for tests and diagnostics). */
export function knownSecretCount(): number {
  return secrets.values.size;
}
