/** What is capped: voices per brain, learned aliases, methods per voice, breakers per voice. */
export type CapName = 'voices' | 'aliases' | 'methods' | 'breakers';
