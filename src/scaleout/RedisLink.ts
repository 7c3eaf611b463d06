import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { LuaScript } from './LuaScript.js';
import type { RedisClientLike } from './RedisClientLike.js';
import type { SharedStateHealth } from './SharedStateHealth.js';

/** Options of a {@link RedisLink}. */
export interface RedisLinkOptions {
  /** A URL (the link creates and owns its clients) or an existing client (left open on close). */
  readonly redis: string | RedisClientLike;
  readonly commandTimeoutMs: number;
  readonly logger: ConsciousnessLogger;
  readonly health: SharedStateHealth;
}

/** Oldest Redis major version the shared state runs on (what it is tested with; `ZADD GT` alone needs 6.2). */
export const MIN_REDIS_MAJOR = 7;

/** Longest pause between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2_000;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Loads node-redis only when sharing is configured: it is an optional peer dependency. */
async function createOwnClient(url: string): Promise<RedisClientLike> {
  let createClient: (options: object) => RedisClientLike;
  try {
    ({ createClient } = (await import('redis')) as unknown as {
      createClient: (options: object) => RedisClientLike;
    });
  } catch (err) {
    throw new Error(
      `the "redis" package (node-redis) is not installed: npm install redis (${messageOf(err)})`,
      {
        cause: err,
      },
    );
  }
  return createClient({
    url,
    // A command while disconnected fails at once instead of queueing behind the outage.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS),
    },
  });
}

/**
 * The connection to Redis, built so that it can never hurt a call: commands never reject (a
 * failure or a timeout resolves to undefined, is counted and, once per outage, logged), commands
 * are never queued while disconnected, reconnection is automatic, and the process may exit while
 * the connection is open. Holds a second connection for pub/sub.
 */
export class RedisLink {
  private client: RedisClientLike | undefined;
  private subscriber: RedisClientLike | undefined;
  private readonly owned: boolean;
  private reachable = false;
  /** Whether the current outage (or the failed start) has been logged. */
  private warnedOnce = false;
  private closed = false;
  /** Whether the server's version was read on the current connection. */
  private versionChecked = false;
  /** The version read when it is older than {@link MIN_REDIS_MAJOR} (the link then sends nothing). */
  private tooOld: string | undefined;
  private versionCheck: Promise<boolean> | undefined;
  /** `redis_version` of the server, as read at the last connection (undefined before). */
  serverVersion: string | undefined;
  private readonly subscriptions: { channel: string; listener: (message: string) => void }[] = [];
  private readonly readyListeners: (() => void)[] = [];
  /** Commands sent (successful or not), for the benchmark's commands-per-call figure. */
  commandsSent = 0;
  /** Commands that failed or timed out. */
  commandsFailed = 0;
  /** Resolves once the first connection attempt settled (connected or not). */
  readonly opened: Promise<void>;

  constructor(private readonly options: RedisLinkOptions) {
    this.owned = typeof options.redis === 'string';
    this.opened = this.open();
  }

  /** Whether the last command succeeded (and the client is connected). */
  get up(): boolean {
    return this.reachable && this.client?.isReady === true;
  }

  /** Runs one command; undefined when Redis is down, slow or answered with an error. */
  async command<T>(args: readonly string[]): Promise<T | undefined> {
    const client = this.client;
    if (client === undefined || this.closed) return undefined;
    if (!client.isReady) {
      this.failed(new Error('not connected'));
      return undefined;
    }
    if (!this.versionChecked && !(await this.checkVersion(client))) return undefined;
    if (this.tooOld !== undefined) return undefined;
    this.commandsSent += 1;
    try {
      const reply = await client.sendCommand<T>(args, {
        timeout: this.options.commandTimeoutMs,
        rejectInFlight: true,
      });
      this.succeeded();
      return reply;
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  /** Runs a command answering field/value pairs (HGETALL), as pairs whatever shape the client maps them to. */
  async pairs(args: readonly string[]): Promise<[string, string][] | undefined> {
    const reply = await this.command<unknown>(args);
    if (reply === undefined || reply === null) return undefined;
    if (Array.isArray(reply)) {
      const out: [string, string][] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), String(reply[i + 1])]);
      return out;
    }
    const entries = reply instanceof Map ? [...(reply as Map<unknown, unknown>)] : Object.entries(reply);
    return entries.map(([k, v]) => [String(k), String(v)]);
  }

  /** Runs a Lua script by SHA, sending its body once when Redis does not know it yet. */
  async script<T>(
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<T | undefined> {
    const client = this.client;
    if (client === undefined || this.closed) return undefined;
    if (!client.isReady) {
      this.failed(new Error('not connected'));
      return undefined;
    }
    if (!this.versionChecked && !(await this.checkVersion(client))) return undefined;
    if (this.tooOld !== undefined) return undefined;
    const tail = [String(keys.length), ...keys, ...args];
    this.commandsSent += 1;
    const options = { timeout: this.options.commandTimeoutMs, rejectInFlight: true };
    try {
      const reply = await client.sendCommand<T>(['EVALSHA', script.sha, ...tail], options);
      this.succeeded();
      return reply;
    } catch (err) {
      if (!/NOSCRIPT/.test(messageOf(err))) {
        this.failed(err, script.name);
        return undefined;
      }
    }
    this.commandsSent += 1;
    try {
      const reply = await client.sendCommand<T>(['EVAL', script.body, ...tail], options);
      this.succeeded();
      return reply;
    } catch (err) {
      this.failed(err, script.name);
      return undefined;
    }
  }

  /** Listens on a channel (resubscribed by the client after a reconnection). */
  subscribe(channel: string, received: (message: string) => void): void {
    // Nothing is taken in from a server too old for the scripts: the instance works alone there.
    const listener = (message: string): void => {
      if (this.tooOld === undefined) received(message);
    };
    this.subscriptions.push({ channel, listener });
    this.subscriber?.subscribe(channel, listener).catch((err: unknown) => this.failed(err, 'pub/sub', false));
  }

  /**
   * Called whenever a connection (the command client or the subscriber) becomes ready again: what
   * was published meanwhile was missed, and writes that failed can be retried.
   */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Closes the connections this link opened (a client passed in is left open); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opened;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await closeClient(subscriber);
    if (this.owned) await closeClient(this.client);
    this.client = undefined;
    this.reachable = false;
    this.options.health.setUp(false);
  }

  /**
   * Creates the clients and starts connecting; resolves once the first connection attempt settled
   * (connected, or failed once: reconnection goes on in the background).
   */
  private async open(): Promise<void> {
    const { redis, logger } = this.options;
    let client: RedisClientLike;
    try {
      client = typeof redis === 'string' ? await createOwnClient(redis) : redis;
    } catch (err) {
      logger.warn({ err: messageOf(err) }, 'shared provider state unavailable: working as a single instance');
      return;
    }
    this.client = client;
    // The subscriber queues its SUBSCRIBE until connected; node-redis resubscribes after reconnections.
    const subscriber = client.duplicate({ disableOfflineQueue: false });
    this.subscriber = subscriber;
    const settled = new Promise<void>((resolve) => {
      if (this.owned) {
        this.watch(client, 'command', resolve);
        client.connect().then(() => resolve(), resolve);
      } else resolve();
    });
    this.watch(subscriber, 'pub/sub');
    subscriber.connect().catch((err: unknown) => this.failed(err, 'pub/sub', false));
    for (const { channel, listener } of this.subscriptions) {
      subscriber.subscribe(channel, listener).catch((err: unknown) => this.failed(err, 'pub/sub', false));
    }
    if (this.owned) client.unref?.();
    subscriber.unref?.();
    await settled;
  }

  /** Error events must be handled (node-redis emits one per failed reconnection): they mark the link down. */
  private watch(client: RedisClientLike, role: string, firstError?: () => void): void {
    client.on('error', (err: unknown) => {
      this.failed(err, role, false);
      firstError?.();
    });
    client.on('end', () => this.markDown());
    client.on('ready', () => {
      // A new connection may be another server (a failover, an upgrade): its version is read again.
      if (role === 'command') this.versionChecked = false;
      for (const listener of this.readyListeners) listener();
    });
  }

  /**
   * Reads the server's version (`INFO server`) once per connection, before its first command.
   * Redis older than {@link MIN_REDIS_MAJOR}: one warning naming both versions, the gauge stays 0,
   * and no command is sent (none counted as failed) until a connection to a newer server; true
   * when commands may go.
   */
  private checkVersion(client: RedisClientLike): Promise<boolean> {
    this.versionCheck ??= this.readVersion(client).finally(() => (this.versionCheck = undefined));
    return this.versionCheck;
  }

  private async readVersion(client: RedisClientLike): Promise<boolean> {
    this.commandsSent += 1;
    let info: unknown;
    try {
      info = await client.sendCommand(['INFO', 'server'], {
        timeout: this.options.commandTimeoutMs,
        rejectInFlight: true,
      });
    } catch (err) {
      this.failed(err, 'version check');
      return false;
    }
    const version = /(?:^|\n)redis_version:([^\r\n]+)/.exec(String(info))?.[1]?.trim();
    this.versionChecked = true;
    this.serverVersion = version;
    const major = Number.parseInt(version ?? '', 10);
    if (major >= MIN_REDIS_MAJOR) {
      this.tooOld = undefined;
      return true;
    }
    const found = version ?? 'no redis_version in INFO';
    if (this.tooOld !== found) {
      this.options.logger.warn(
        { found, needed: `${MIN_REDIS_MAJOR}.0` },
        `shared provider state needs Redis >= ${MIN_REDIS_MAJOR}.0 but the server is ${found}: working as a single instance`,
      );
    }
    this.tooOld = found;
    this.markDown();
    return false;
  }

  private succeeded(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.options.health.setUp(true);
    this.options.logger.info({}, 'shared provider state (Redis) reachable: sharing with other instances');
  }

  private failed(err: unknown, what = 'command', counted = true): void {
    if (counted) {
      this.commandsFailed += 1;
      this.options.health.failed();
    }
    const wasUp = this.reachable;
    this.markDown();
    if (!wasUp && this.warnedOnce) return;
    this.warnedOnce = true;
    // One warning per outage; the error text never carries the URL (it may hold a password).
    this.options.logger.warn(
      { err: messageOf(err), what },
      'shared provider state (Redis) unreachable or failing: working as a single instance until it answers',
    );
  }

  private markDown(): void {
    if (!this.reachable) return;
    this.reachable = false;
    this.options.health.setUp(false);
  }
}

async function closeClient(client: RedisClientLike | undefined): Promise<void> {
  if (client === undefined) return;
  // A client still trying to (re)connect would wait for Redis to close politely: drop it instead.
  if (!client.isReady) {
    if (client.isOpen) client.destroy?.();
    return;
  }
  try {
    if (client.close !== undefined) await client.close();
    else if (client.quit !== undefined) await client.quit();
  } catch {
    client.destroy?.();
  }
}
