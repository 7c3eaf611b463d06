import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import type { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import type { RedisClientLike } from '../../src/scaleout/RedisClientLike.js';
import { startRedis, type RedisServer } from '../support/redisServer.js';
import { until } from '../support/until.js';

export { until } from '../support/until.js';

/** Waits until every brain's shared state is connected and has completed a round in step with Redis. */
export const connected = (...brains: InfrastructureConsciousness[]): Promise<void> =>
  until(() => brains.every((b) => b.shared!.up && b.shared!.syncs > 0), 'connected and synced');

/** A suite's redis-server, an admin client on it, and the brains to close after the suite. */
export interface RedisSuite {
  redis: RedisServer;
  admin: ReturnType<typeof createClient>;
  readonly brains: InfrastructureConsciousness[];
}

/** Starts a redis-server and an admin client before the suite; closes the brains, client and server after it. */
export function redisForSuite(): RedisSuite {
  const suite = { brains: [] } as unknown as RedisSuite;
  beforeAll(async () => {
    suite.redis = await startRedis();
    suite.admin = createClient({ url: suite.redis.url });
    await suite.admin.connect();
  });
  afterAll(async () => {
    suite.redis?.resume();
    await Promise.all(suite.brains.map((b) => b.shared?.close()));
    await suite.admin?.close();
    await suite.redis?.stop();
  });
  return suite;
}

/**
 * A real node-redis client as the shared state sees it (RedisClientLike), with what a test cannot
 * get from the real server changed: `redisVersion` answers INFO with that version (no Redis 6 binary
 * here), `deaf` makes its duplicates (the subscriber) subscribe to nothing (pub/sub never helps).
 */
export function clientLike(
  real: RedisClientLike,
  change: { redisVersion?: string; deaf?: boolean },
  hearsNothing = false,
): RedisClientLike {
  const like: RedisClientLike = {
    get isReady() {
      return real.isReady;
    },
    get isOpen() {
      return real.isOpen;
    },
    sendCommand: <T>(args: readonly string[], options?: object) =>
      change.redisVersion !== undefined && args[0] === 'INFO'
        ? (Promise.resolve(
            `# Server\r\nredis_version:${change.redisVersion}\r\nredis_mode:standalone\r\n`,
          ) as Promise<T>)
        : real.sendCommand<T>(args, options),
    duplicate: (overrides?: object) => clientLike(real.duplicate(overrides), {}, change.deaf === true),
    connect: () => real.connect(),
    subscribe: (channel, listener) => (hearsNothing ? Promise.resolve() : real.subscribe(channel, listener)),
    on: (event, listener) => real.on(event, listener),
    close: () => real.close!(),
    destroy: () => real.destroy?.(),
    unref: () => real.unref?.(),
  };
  return like;
}

/** A connected node-redis client on `url`, typed as the shared state sees it. */
export async function realClient(url: string): Promise<RedisClientLike> {
  const client = createClient({ url });
  await client.connect();
  return client as unknown as RedisClientLike;
}
