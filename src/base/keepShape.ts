/**
 * Instances kept for the life of the process, one per class made on every call (see `keepShape`).
 * Nothing reads them.
 */
const kept: object[] = [];

/**
 * Keeps `sample` — an instance of a class the call path makes on every call, built from
 * placeholders — alive for good, so that the class's instance shape (V8's hidden class) outlives
 * full garbage collections.
 *
 * V8's optimised code refers to the shapes it checks weakly. The shape of a class instance is
 * reached from the class's initial shape by one transition per field, and transitions are weak
 * too: between two calls no instance of a per-call class (an attempt record, a winner, the
 * caller's rich promise) is alive, so a full collection then frees the shape, and every optimised
 * function that checked it is thrown away ("reason: weak objects" in `node --trace-deopt`, some
 * thirty functions of the call path at each major collection). The call path then ran in the
 * interpreter and baseline code until re-optimised: batches of 100,000 rich-promise calls each
 * after a full collection (as `npm run bench` collects before each batch) took 18 % longer than
 * without the collections, against 8 % for a hand-built opossum + cockatiel stack, which makes no
 * per-call class instances.
 *
 * The sample must give each field the representation the calls give it: a field holding
 * fractional milliseconds gets a fractional number (a whole one is a small integer, another
 * shape), a field holding objects or undefined gets an object or undefined. The test
 * test/resilience/shapesAcrossGc.test.ts fails when a full collection deoptimises the call path.
 */
export function keepShape<T extends object>(sample: T): T {
  kept.push(sample);
  return sample;
}

/** How many instances are kept (for tests: the number must stay bounded). */
export function keptShapes(): number {
  return kept.length;
}
