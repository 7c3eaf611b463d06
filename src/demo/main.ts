import type { CliIo } from '../lab/cli.js';
import { runDemoCli } from './demoCli.js';

// `npm start`: the Fire Circle demo. SIGINT/SIGTERM end the run early (report and summary are
// still printed); a second signal ends the process at once.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, signal: stop.signal };

process.exitCode = await runDemoCli(process.argv.slice(2), io);
