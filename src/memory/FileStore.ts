import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { acquireLockFile, processAlive, type HeldLock } from './LockFile.js';
import { join } from 'node:path';
import type { Clock } from '../clock/Clock.js';
import { jsonText } from './jsonText.js';
import { PerNameQueue } from './PerNameQueue.js';
import type { Store, StoreLogger } from './Store.js';
import { assertStoreName, isStoreName, quarantineNameFor } from './storeName.js';

/** Options of a {@link FileStore}. */
export interface FileStoreOptions {
  /** Directory holding the documents (docs/architecture.md, Persistence `storagePath`); created on the first write. */
  readonly directory: string;
  /** Receives the one degradation warning and quarantine warnings (pino-like). */
  readonly logger: StoreLogger;
  /** Epoch milliseconds, for quarantine names. Default `Date.now`. */
  readonly clock?: Clock;
}

/** A temp file of a save that crashed: `.<name>.<pid>.<hex>.tmp` (older versions: `.<name>.<hex>.tmp`). */
const TEMP_FILE = /^\..+\.tmp$/;
const TEMP_PID = /\.(\d+)\.[0-9a-f]+\.tmp$/;
/** A temp file without a live owner we can check is removed once it is this old. */
const ORPHAN_TEMP_AGE_MS = 60_000;

/** Read errors that simply mean "no such document". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * A {@link Store} backed by one directory, one file per document (docs/architecture.md, Persistence).
 *
 * Writes go to a hidden temp file in the same directory, are fsynced, then renamed over the
 * document, so a reader or a crash sees the old or the new content, never a mix. Operations on one
 * name run in call order. When the directory cannot be written it logs one warning and continues
 * memory-only: later writes land in an in-memory overlay that reads and lists see, and nothing
 * rejects. Documents that are not valid JSON are moved aside as `<name>.corrupt-<timestamp>`.
 */
export class FileStore implements Store {
  /** The directory this store keeps its documents in. */
  readonly directory: string;
  private readonly logger: StoreLogger;
  private readonly clock: Clock;
  private readonly queue = new PerNameQueue();
  private directoryReady = false;
  private degradedBy: string | undefined;
  /** Memory-only mode's view: text per name, null where a document was removed or set aside. */
  private readonly overlay = new Map<string, string | null>();
  private readonly readWarned = new Set<string>();
  /** Removal of temp files left by crashed saves, once, before the first read. */
  private swept: Promise<void> | undefined;

  /** Creates the store; touches nothing on disk until the first write. */
  constructor(options: FileStoreOptions) {
    this.directory = options.directory;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
  }

  /** False once the store has degraded to memory-only. */
  get persistent(): boolean {
    return this.degradedBy === undefined;
  }

  /** The parsed document; undefined when absent or when it was not JSON (then it is quarantined). */
  async readJson(name: string): Promise<unknown> {
    assertStoreName(name);
    await (this.swept ??= this.sweepTemps());
    return this.queue.run(name, () => this.readParsed(name));
  }

  /**
   * Read-merge-write of one document shared by several processes: under a lock file
   * (`.<name>.lock`), `merge` gets the stored document (undefined when absent or not JSON) and
   * returns what to write. Without the lock after 5 s of waiting (a stuck holder) it goes ahead
   * unlocked; memory-only mode merges with the in-memory copy.
   */
  async update(name: string, merge: (current: unknown) => unknown): Promise<void> {
    assertStoreName(name);
    await (this.swept ??= this.sweepTemps());
    return this.queue.run(name, async () => {
      const lock = this.degradedBy === undefined ? await this.lock(name) : undefined;
      try {
        await this.persist(name, jsonText(merge(await this.readParsed(name))));
      } finally {
        await lock?.release();
      }
    });
  }

  /** The lock of one document's read-merge-write; undefined when the directory cannot be written. */
  private async lock(name: string): Promise<HeldLock | undefined> {
    try {
      if (!this.directoryReady) {
        await mkdir(this.directory, { recursive: true });
        this.directoryReady = true;
      }
      return await acquireLockFile(join(this.directory, `.${name}.lock`));
    } catch (err) {
      this.degrade(err);
      return undefined;
    }
  }

  /** Reads and parses while holding the name's turn in the queue. */
  private async readParsed(name: string): Promise<unknown> {
    const text = await this.readText(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      await this.quarantineNow(name, `not valid JSON: ${messageOf(err)}`);
      return undefined;
    }
  }

  /**
   * Removes temp files of saves that crashed (kill -9 between create and rename): those whose
   * process is gone, and any older than a minute (a live save takes milliseconds).
   */
  private async sweepTemps(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.directory)).filter((n) => TEMP_FILE.test(n));
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names) {
      const path = join(this.directory, name);
      const pid = Number(TEMP_PID.exec(name)?.[1]);
      let orphan = pid > 0 && pid !== process.pid && !processAlive(pid);
      if (!orphan) {
        const info = await stat(path).catch(() => undefined);
        orphan = info !== undefined && now - info.mtimeMs > ORPHAN_TEMP_AGE_MS;
      }
      if (orphan) await unlink(path).catch(() => undefined);
    }
  }

  /** Atomically replaces the document; on an unwritable directory keeps it in memory instead. */
  async writeJson(name: string, value: unknown): Promise<void> {
    assertStoreName(name);
    const text = jsonText(value);
    return this.queue.run(name, () => this.persist(name, text));
  }

  /** Names of regular files starting with `prefix` (temp files excluded), merged with memory-only changes. */
  async list(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    try {
      for (const entry of await readdir(this.directory, { withFileTypes: true })) {
        if (entry.isFile() && isStoreName(entry.name) && entry.name.startsWith(prefix)) names.add(entry.name);
      }
    } catch (err) {
      this.warnUnreadable('(directory listing)', err);
    }
    for (const [name, text] of this.overlay) {
      if (!name.startsWith(prefix)) continue;
      if (text === null) names.delete(name);
      else names.add(name);
    }
    return [...names].sort();
  }

  /** Deletes the document; in memory-only mode hides it instead. */
  async remove(name: string): Promise<void> {
    assertStoreName(name);
    return this.queue.run(name, async () => {
      if (this.degradedBy === undefined) {
        try {
          await unlink(join(this.directory, name));
          this.overlay.delete(name);
          return;
        } catch (err) {
          if (ABSENT.has(codeOf(err) ?? '')) return;
          this.degrade(err);
        }
      }
      this.overlay.set(name, null);
    });
  }

  /** Renames the document to `<name>.corrupt-<timestamp>` with a warning; resolves to the new name. */
  async quarantine(name: string, reason: string): Promise<string | undefined> {
    assertStoreName(name);
    return this.queue.run(name, () => this.quarantineNow(name, reason));
  }

  /** Quarantines while holding the name's turn in the queue. */
  private async quarantineNow(name: string, reason: string): Promise<string | undefined> {
    if (this.degradedBy === undefined) {
      try {
        const target = await this.freeQuarantineName(name);
        await rename(join(this.directory, name), join(this.directory, target));
        this.logger.warn(
          { name, quarantinedAs: target, reason },
          'stored document set aside; starting fresh',
        );
        return target;
      } catch (err) {
        if (codeOf(err) === 'ENOENT') return undefined;
        this.degrade(err);
      }
    }
    this.overlay.set(name, null);
    this.logger.warn(
      { name, reason },
      'stored document ignored (memory-only: left in place); starting fresh',
    );
    return undefined;
  }

  private async freeQuarantineName(name: string): Promise<string> {
    const base = quarantineNameFor(name, this.clock());
    let target = base;
    for (let n = 2; await this.exists(target); n++) target = `${base}-${n}`;
    return target;
  }

  private async exists(name: string): Promise<boolean> {
    try {
      await stat(join(this.directory, name));
      return true;
    } catch {
      return false;
    }
  }

  private async readText(name: string): Promise<string | undefined> {
    if (this.overlay.has(name)) return this.overlay.get(name) ?? undefined;
    try {
      return await readFile(join(this.directory, name), 'utf8');
    } catch (err) {
      this.warnUnreadable(name, err);
      return undefined;
    }
  }

  /** Warns once per name about a read failure that is not plain absence. */
  private warnUnreadable(name: string, err: unknown): void {
    const code = codeOf(err);
    if (ABSENT.has(code ?? '') || this.readWarned.has(name)) return;
    this.readWarned.add(name);
    this.logger.warn(
      { directory: this.directory, name, code, error: messageOf(err) },
      'stored document unreadable; treating it as absent',
    );
  }

  /** Writes `text` atomically; on an unwritable directory (now or before) keeps it in memory instead. */
  private async persist(name: string, text: string): Promise<void> {
    if (this.degradedBy === undefined) {
      try {
        await this.writeAtomically(name, text);
        return;
      } catch (err) {
        this.degrade(err);
      }
    }
    this.overlay.set(name, text);
  }

  private async writeAtomically(name: string, text: string): Promise<void> {
    try {
      await this.writeViaTempFile(name, text);
    } catch (err) {
      // The directory may have been removed since it was created: recreate it once.
      if (codeOf(err) !== 'ENOENT' || !this.directoryReady) throw err;
      this.directoryReady = false;
      await this.writeViaTempFile(name, text);
    }
  }

  private async writeViaTempFile(name: string, text: string): Promise<void> {
    if (!this.directoryReady) {
      await mkdir(this.directory, { recursive: true });
      this.directoryReady = true;
    }
    const temp = join(this.directory, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx');
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, join(this.directory, name));
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await this.syncDirectory();
  }

  /** Makes the rename itself durable where the platform allows fsync on a directory; best effort. */
  private async syncDirectory(): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.directory, 'r');
      await handle.sync();
    } catch {
      // Not supported everywhere (e.g. Windows); the data itself is already fsynced.
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private degrade(err: unknown): void {
    if (this.degradedBy !== undefined) return;
    this.degradedBy = codeOf(err) ?? 'unknown';
    this.logger.warn(
      { directory: this.directory, code: this.degradedBy, error: messageOf(err) },
      'storage directory is not writable; continuing memory-only (what is learned will not survive a restart)',
    );
  }
}
