import { OVERFLOW_LABEL_VALUE } from './metricNames.js';
import { stateOn } from './metricState.js';

/**
 * The adapter and method label values already issued on one registry. Shared by every instance
 * writing to it, so the method cap and first-seen initialisation hold registry-wide.
 */
export class LabelBook {
  /** Method label values per adapter label value. */
  readonly methods = new Map<string, Set<string>>();
  private readonly adapters = new Set<string>();

  /** True the first time an adapter label value is seen on this registry. */
  admitAdapter(adapter: string): boolean {
    if (this.adapters.has(adapter)) return false;
    this.adapters.add(adapter);
    return true;
  }

  /** The label value to use for `method`: itself while under the cap, `other` past it. */
  admitMethod(adapter: string, method: string, maxMethods: number): string {
    let methods = this.methods.get(adapter);
    if (methods === undefined) {
      methods = new Set();
      this.methods.set(adapter, methods);
    }
    if (methods.has(method)) return method;
    const label = methods.size >= maxMethods ? OVERFLOW_LABEL_VALUE : method;
    methods.add(label);
    return label;
  }
}

/** The LabelBook of the registry `anchor` (a metric of the family set) is registered in. */
export function labelBookOf(anchor: object): LabelBook {
  return stateOn(anchor, 'labelBook', () => new LabelBook());
}
