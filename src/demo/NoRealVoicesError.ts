/** `--real` was asked for but no provider key (or local base URL) is set in the environment. */
export class NoRealVoicesError extends Error {
  /** The environment variables that would enable a real voice. */
  readonly variables: readonly string[];

  constructor(variables: readonly string[]) {
    super(
      `--real needs at least one provider key in the environment (${variables.join(', ')}); ` +
        'set one, or run without --real to use the emulator',
    );
    this.name = 'NoRealVoicesError';
    this.variables = variables;
  }
}
