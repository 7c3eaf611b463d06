import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link acquireLockFile}. */
export interface LockFileOptions {
  /** A lock older than this is left over from a crash and is taken over. Default 10 s. */
  readonly staleMs?: number;
  /** How long to wait for a live holder before going ahead without the lock. Default 5 s. */
  readonly waitMs?: number;
}

/** What holding a lock gives: a way to release it, and whether it was really obtained. */
export interface HeldLock {
  /** False when the wait ran out and the caller goes ahead unlocked (still atomic, maybe not merged). */
  readonly locked: boolean;
  /** Removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

const codeOf = (err: unknown): string | undefined => (err as { code?: string } | null)?.code;

/** True when `pid` names a live process on this machine. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM';
  }
}

/**
 * Takes an exclusive lock by creating `path` with O_EXCL, holding `<pid> <random>`; a lock whose
 * holder process is gone, or older than `staleMs`, is taken over. Used around read-merge-write of
 * a document several processes share, so that none loses what another wrote.
 */
export async function acquireLockFile(path: string, options: LockFileOptions = {}): Promise<HeldLock> {
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  const token = `${process.pid} ${Math.random().toString(36).slice(2)}`;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(token, 'utf8');
      await handle.close();
      return {
        locked: true,
        release: async () => {
          const current = await readFile(path, 'utf8').catch(() => undefined);
          if (current === token) await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
    }
    if (await isStale(path, staleMs)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) return { locked: false, release: async () => undefined };
    // Real time, not the brain's scheduler: the holder is another process, which runs on the wall clock.
    await sleep(pause + Math.random() * pause);
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number(text.split(' ')[0]);
    // An empty file is a holder between create and write: live unless old.
    if (text !== '' && !processAlive(pid)) return true;
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    return false; // Gone meanwhile: the next attempt creates it.
  }
}
