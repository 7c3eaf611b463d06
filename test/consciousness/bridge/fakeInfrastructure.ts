import { EventEmitter } from 'node:events';
import type { BridgedInfrastructure } from '../../../src/consciousness/bridge/BridgedInfrastructure.js';
import type { AdapterHealthSignature } from '../../../src/health/AdapterHealthSignature.js';
import type { ConsciousnessReport } from '../../../src/report/ConsciousnessReportSchema.js';

/** A consciousness signature fed back into the infrastructure. */
export interface FedBack {
  adapter: string;
  value: number;
  flags: { synthesis?: boolean; uncertainty?: boolean } | undefined;
}

/** A minimal infrastructure: signatures set by the test, `signature` events, and a log of what was fed back. */
export class FakeInfrastructure
  extends EventEmitter<{ signature: [AdapterHealthSignature] }>
  implements BridgedInfrastructure
{
  readonly signatures = new Map<string, AdapterHealthSignature>();
  readonly fedBack: FedBack[] = [];
  report: ConsciousnessReport | undefined;

  /** Stores the signature and emits it, as the real brain does on each health update. */
  update(signature: AdapterHealthSignature): void {
    this.signatures.set(signature.adapterId, signature);
    this.emit('signature', signature);
  }

  getHealthSignatures(): AdapterHealthSignature[] {
    return [...this.signatures.values()];
  }

  recordConsciousnessSignature(
    adapter: string,
    value: number,
    flags?: { synthesis?: boolean; uncertainty?: boolean },
  ): void {
    this.fedBack.push({ adapter, value, flags });
  }
}

/** The same, able to produce its own consciousness report. */
export class ReportingInfrastructure extends FakeInfrastructure {
  generateConsciousnessReport(): Promise<ConsciousnessReport> {
    if (this.report === undefined) throw new Error('no report set');
    return Promise.resolve(this.report);
  }
}
