#!/usr/bin/env node
import { runDemoCli } from '../demo/demoCli.js';
import { runCli as runLab, type CliIo } from '../lab/cli.js';

/** A sub-command: gets the arguments after its name, resolves to the process exit code. */
type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Every sub-command of `infra-consciousness`; add new ones here. */
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  lab: { run: runLab, summary: 'run the OpenAI/Anthropic provider emulator with a fault scenario' },
  demo: { run: runDemoCli, summary: 'run the six-voice Fire Circle demo (npm start)' },
};

const usage = `Usage: infra-consciousness <command> [options]\n\nCommands:\n${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}\n\nRun 'infra-consciousness <command> --help' for a command's options.\n`;

const [name, ...rest] = process.argv.slice(2);
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, signal: stop.signal };

if (name === undefined || name === '--help' || name === '-h') {
  (name === undefined ? process.stderr : process.stdout).write(usage);
  process.exitCode = name === undefined ? 2 : 0;
} else {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`infra-consciousness: unknown command '${name}'\n${usage}`);
    process.exitCode = 2;
  } else {
    process.exitCode = await command.run(rest, io);
  }
}
