import { ConsciousnessError } from './ConsciousnessError.js';

/** The adapter could not be loaded (missing module, missing export, failing constructor). */
export class ImportFailureError extends ConsciousnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('import_failure', message, options);
  }
}
