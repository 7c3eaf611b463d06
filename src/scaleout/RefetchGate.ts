/**
 * When a shared collection is read back: when its generation moved, at most every `refetchMs`
 * after the first read, so a burst of writes costs one read per instance, not one per sync.
 */
export class RefetchGate {
  private generation = '';
  private fetchedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: () => number,
    private readonly refetchMs: number,
  ) {}

  /** True when `generation` is to be read now (the read counts from now, whether it succeeds or not). */
  due(generation: string): boolean {
    const now = this.clock();
    if (generation === this.generation || (this.generation !== '' && now - this.fetchedAt < this.refetchMs)) {
      return false;
    }
    this.fetchedAt = now;
    return true;
  }

  /** Records that `generation` was read. */
  fetched(generation: string): void {
    this.generation = generation;
  }
}
