/** The part of a node-redis (v4–v6) client the shared state uses: its public command and pub/sub API. */
export interface RedisClientLike {
  readonly isReady: boolean;
  readonly isOpen: boolean;
  sendCommand<T = unknown>(
    args: readonly string[],
    options?: { timeout?: number; rejectInFlight?: boolean },
  ): Promise<T>;
  duplicate(overrides?: object): RedisClientLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  on(event: 'error' | 'ready' | 'end' | 'reconnecting', listener: (...args: unknown[]) => void): unknown;
  close?(): Promise<void>;
  quit?(): Promise<unknown>;
  destroy?(): void;
  unref?(): void;
}
