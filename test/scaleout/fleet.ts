import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/fleetInstance.ts', import.meta.url));

/** One child-process instance of the application, driven over IPC. */
export interface FleetInstance {
  readonly id: string;
  /** Sends a command and resolves with its result. */
  send<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Ends the process (closing its Redis connections first). */
  stop(): Promise<void>;
}

/** Starts an instance (see fixtures/fleetInstance.ts); resolves once it is ready for commands. */
export async function startInstance(
  redisUrl: string,
  openaiBaseURL: string,
  id: string,
  namespace: string,
  syncIntervalMs = 1_000,
): Promise<FleetInstance> {
  const child: ChildProcess = fork(script, [redisUrl, openaiBaseURL, id, namespace, String(syncIntervalMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${id} exited (${code}) before it was ready`)));
    child.on('message', (raw) => {
      const msg = raw as { ready?: boolean; id?: number; ok?: boolean; result?: unknown; error?: string };
      if (msg.ready) return resolve();
      const p = pending.get(msg.id!);
      pending.delete(msg.id!);
      if (msg.ok) p?.resolve(msg.result);
      else p?.reject(new Error(`instance ${id}: ${msg.error}`));
    });
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  await ready;
  return {
    id,
    send: <T>(cmd: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const messageId = next++;
        pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id: messageId, cmd, ...args });
      }),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      const messageId = next++;
      child.send({ id: messageId, cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
