import { InfrastructureConsciousness } from './InfrastructureConsciousness.js';

// Kept on globalThis so a second copy of this module (dual installs, bundles) shares the brain
// and never registers the metrics twice in prom-client's default registry.
const KEY = Symbol.for('infrastructure-consciousness.default');
const holder = globalThis as { [KEY]?: InfrastructureConsciousness };

/** The process-wide instance used when `withConsciousness` gets no `infrastructure` option. */
export function getDefaultInfrastructure(): InfrastructureConsciousness {
  return (holder[KEY] ??= new InfrastructureConsciousness());
}
