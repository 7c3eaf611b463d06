import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The two binaries of Debian's `prometheus` package. */
export type PrometheusBinary = 'prometheus' | 'promtool';

/** What a finished child process printed, and how it ended. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The absolute path of `prometheus` or `promtool` on PATH. Throws an error saying how to install
 * it: these tests never skip, CI installs the package (.ci/run) and so must a developer.
 */
export function prometheusBinary(name: PrometheusBinary): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry.
    }
  }
  throw new Error(
    `${name} is not installed (not found on PATH). The observability tests run a real Prometheus: ` +
      'install it with `apt-get update && apt-get install -y prometheus` (Debian bookworm ships ' +
      'prometheus 2.42 with promtool); .ci/run does this in CI.',
  );
}

/** Runs `promtool` with `args`, feeding `input` on stdin; resolves with its exit code and output. */
export function runPromtool(
  args: readonly string[],
  input?: string,
  timeoutMs = 30_000,
): Promise<ProcessResult> {
  const child = spawn(prometheusBinary('promtool'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`promtool ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
