import { OVERFLOW_LABEL_VALUE } from './metricNames.js';
import { stateOn } from './metricState.js';

/**
 * The adapter and method label values already issued on one registry. Shared by every instance
 * writing to it, so the method cap and first-seen initialisation hold registry-wide.
 */
export class LabelBook {
  /** Method label values per adapter label value. */
  readonly methods = new Map<string, Set<string>>();
  /** Model label values per adapter label value. */
  readonly models = new Map<string, Set<string>>();
  private readonly adapters = new Set<string>();

  /** True the first time an adapter label value is seen on this registry. */
  admitAdapter(adapter: string): boolean {
    if (this.adapters.has(adapter)) return false;
    this.adapters.add(adapter);
    return true;
  }

  /** Forgets an adapter label value and its methods and models (the voice was released). */
  forget(adapter: string): void {
    this.adapters.delete(adapter);
    this.methods.delete(adapter);
    this.models.delete(adapter);
  }

  /** The label value to use for `method`: itself while under the cap, `other` past it. */
  admitMethod(adapter: string, method: string, maxMethods: number): string {
    return admit(this.methods, adapter, method, maxMethods);
  }

  /** The label value to use for `model`: itself while under the cap, `other` past it. */
  admitModel(adapter: string, model: string, maxModels: number): string {
    return admit(this.models, adapter, model, maxModels);
  }
}

function admit(book: Map<string, Set<string>>, adapter: string, value: string, max: number): string {
  let values = book.get(adapter);
  if (values === undefined) {
    values = new Set();
    book.set(adapter, values);
  }
  if (values.has(value)) return value;
  // `other` itself does not take a place: the cap counts distinct real values.
  const label =
    values.size - (values.has(OVERFLOW_LABEL_VALUE) ? 1 : 0) >= max ? OVERFLOW_LABEL_VALUE : value;
  values.add(label);
  return label;
}

/** The LabelBook of the registry `anchor` (a metric of the family set) is registered in. */
export function labelBookOf(anchor: object): LabelBook {
  return stateOn(anchor, 'labelBook', () => new LabelBook());
}
