import { ChildProcess } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { Server, Socket } from 'node:net';

/**
 * Setup file of the `unit` vitest project (vitest.config.ts): a unit test runs in this process and
 * on its own time, so opening a server, connecting a socket or starting a process fails it at once,
 * naming the rule. Tests that need real servers, child processes or SDKs over loopback belong to
 * the `e2e` project: add the file to E2E_TESTS in vitest.config.ts.
 */
function refuse(what: string): never {
  throw new Error(
    `a unit test may not ${what}: move the file to the e2e project (E2E_TESTS in vitest.config.ts)`,
  );
}

Server.prototype.listen = function listen(): never {
  return refuse('listen on a port');
} as unknown as Server['listen'];
Socket.prototype.connect = function connect(): never {
  return refuse('open a socket');
} as unknown as Socket['connect'];
// spawn, exec, execFile and fork start through ChildProcess#spawn; the *Sync functions do not.
(ChildProcess.prototype as unknown as { spawn: () => never }).spawn = function spawn(): never {
  return refuse('start a child process');
};
const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
  childProcess[name] = (): never => refuse('start a child process');
}
syncBuiltinESMExports();
