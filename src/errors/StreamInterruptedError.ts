import { ConsciousnessError } from './ConsciousnessError.js';

/** A stream failed after it had delivered chunks; it is never silently replayed. */
export class StreamInterruptedError extends ConsciousnessError {
  /** Chunks the caller received before the failure. */
  readonly chunksDelivered: number;

  constructor(adapter: string, method: string, chunksDelivered: number, cause: unknown) {
    super('stream_interrupted', `${adapter}.${method} stream failed after ${chunksDelivered} chunk(s)`, {
      cause,
    });
    this.chunksDelivered = chunksDelivered;
  }
}
