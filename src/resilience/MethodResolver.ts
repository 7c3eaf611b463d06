import type { Classification } from '../classify/Classification.js';
import { classifyError } from '../classify/classifyError.js';
import type { Voice } from '../voice/Voice.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import { methodLatencies, type MethodLatency } from './AttemptTimeout.js';
import type { MethodState } from './MethodState.js';
import { findAlias } from './methodAliases.js';

/**
 * Finds the function a method path calls on the adapter: its own name, else the alias learned or
 * found (camelCase ↔ snake_case, configured aliases). Finding an alias is an `api_method_missing`
 * failure healed by a `fallback` action, recorded once and remembered.
 */
export class MethodResolver {
  constructor(
    private readonly name: string,
    private readonly voice: Voice,
    private readonly configured: Readonly<Record<string, readonly string[]>>,
    private readonly failed: (state: MethodState, classification: Classification) => void,
  ) {}

  /** The latency record of a method path, if the voice has one. */
  latencyOf(path: string): MethodLatency | undefined {
    return methodLatencies(this.voice).get(path);
  }

  /** The method's function on `owner`, or undefined when neither it nor an alias exists. */
  callable(owner: object, state: MethodState): ((...a: unknown[]) => unknown) | undefined {
    const record = owner as Record<string, unknown>;
    const fn = record[state.key];
    if (typeof fn === 'function') return fn as (...a: unknown[]) => unknown;
    if (state.alias !== undefined && typeof record[state.alias] === 'function') {
      return record[state.alias] as (...a: unknown[]) => unknown;
    }
    const voice = this.voice;
    const learned = voice.learnedAlias(state.path);
    const alias = findAlias(owner, state.key, this.configured[state.path], learned);
    if (alias === undefined) return undefined;
    state.alias = alias;
    // An alias remembered from earlier (this process or pattern memory) is known, not a new failure.
    if (alias === learned) return record[alias] as (...a: unknown[]) => unknown;
    const error = new MethodMissingError(this.name, state.path, [state.key]);
    this.failed(state, classifyError(error, { adapter: this.name, method: state.path }));
    voice.fellBack(state.cells, state.path, 'method_alias', alias, 'api_method_missing');
    // A fact learned (and remembered), not a healing action with a verdict.
    voice.learnAlias(state.path, alias);
    return record[alias] as (...a: unknown[]) => unknown;
  }
}
