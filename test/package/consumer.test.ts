import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docSnippets, typeCheckSnippets } from './docSnippets.js';

/**
 * The published artefact as a user meets it: the package is built and packed (`npm pack`) from a
 * copy of this checkout, installed into an empty project next to the SDK peers from the registry,
 * then a strict ESM TypeScript consumer and a CommonJS one are type-checked against the shipped
 * .d.ts files and run against the lab emulator on loopback. The TypeScript blocks of README.md
 * and docs/*.md are type-checked against the same installed package (test/package/docSnippets.ts).
 */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const APP_FIXTURE = join(import.meta.dirname, 'consumer-app');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** Folders of this checkout that never go into the copy that is packed (they are rebuilt or irrelevant). */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage']);
/** Folders the demo and the benchmarks write (storage, session metrics, results). */
const WRITTEN_FOLDERS = ['infrastructure_consciousness', 'consciousness_metrics', 'bench-results'];

/** npm without the settings of the `npm test` run that started vitest. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')),
);

async function sh(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`,
      { cause: err },
    );
  }
}

/** The exact version of a dev dependency installed here, so the consumer install hits the npm cache. */
function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return `${name}@${manifest.version}`;
}

/** Runs a built consumer with this Node and parses the JSON line it prints. */
async function runConsumer(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await sh(process.execPath, [join(app, file)], app, 60_000)) as Record<string, unknown>;
}

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

let work = '';
let packed: PackResult;
let shipped: Set<string>;
let app = '';

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'];

/** Builds and packs a copy of this checkout; returns what `npm pack` reported. */
async function buildAndPack(): Promise<PackResult> {
  const pkg = join(work, 'pkg');
  cpSync(ROOT, pkg, {
    recursive: true,
    filter: (src) => !NOT_COPIED.has(relative(ROOT, src).split(/[\\/]/)[0] ?? ''),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  await sh('npm', ['run', 'build', '--silent'], pkg);
  const out = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], pkg);
  const [result] = JSON.parse(out) as [PackResult];
  await sh('tar', ['-xzf', result.filename], work);
  return result;
}

/** The consumer project with the SDK peers and the package's own dependencies (not the package yet). */
async function prepareApp(): Promise<void> {
  cpSync(APP_FIXTURE, app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }),
  );
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const dependencies = Object.entries(manifest.dependencies).map(([name, range]) => `${name}@${range}`);
  // @opentelemetry/api: the optional peer of the /otel entry, which the docs' blocks import.
  const peers = ['openai', '@anthropic-ai/sdk', 'prom-client', '@opentelemetry/api', '@types/node'].map(
    installedVersion,
  );
  await sh('npm', [...NPM_INSTALL, ...peers, ...dependencies], app);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ic-consumer-'));
  app = join(work, 'app');
  // The install (mostly waiting on the npm cache and registry) runs while the package builds.
  const started = performance.now();
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  const phases: string[] = [];
  [packed] = await Promise.all([
    buildAndPack().finally(() => phases.push(`built and packed at ${seconds()} s`)),
    prepareApp().finally(() => phases.push(`peers installed at ${seconds()} s`)),
  ]);
  shipped = new Set(packed.files.map((f) => f.path));
  await sh('npm', [...NPM_INSTALL, join(work, packed.filename)], app);
  console.log(`${phases.join(', ')}, package installed at ${seconds()} s`);
}, 240_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
}, 120_000);

describe('the packed package', () => {
  it('ships no tests, env files or written storage, and only source maps whose sources it ships', () => {
    const paths = [...shipped];
    console.log(
      `packed ${packed.filename}: ${(packed.size / 1024).toFixed(1)} kB, ` +
        `${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${paths.length} files`,
    );
    expect(
      paths.filter((p) => /(^|\/)(test|tests|__tests__)\//.test(p) || /\.(test|spec)\.[cm]?[jt]s$/.test(p)),
    ).toEqual([]);
    expect(paths.filter((p) => /(^|\/)\.env/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.split('/').some((seg) => WRITTEN_FOLDERS.includes(seg)))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('pattern_memory.json'))).toEqual([]);

    const maps = paths.filter((p) => p.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(work, 'package', map), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!shipped.has(target)) dangling.push(`${map} → ${target}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it('has every entry point it exports', () => {
    const manifest = JSON.parse(readFileSync(join(work, 'package/package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = Object.values(manifest.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    expect(targets.length).toBeGreaterThan(4);
    for (const target of targets) expect(shipped, target).toContain(posix.normalize(target));
  });

  it('type-checks a strict ESM consumer and a CommonJS consumer (skipLibCheck off) against the shipped types', async () => {
    await sh(process.execPath, [TSC, '-p', join(app, 'tsconfig.json')], app);
    expect(existsSync(join(app, 'build/esm/main.js'))).toBe(true);
    expect(existsSync(join(app, 'build/cjs/main.cjs'))).toBe(true);
    // The CommonJS consumer really is CommonJS: its imports compiled to require() calls.
    expect(readFileSync(join(app, 'build/cjs/main.cjs'), 'utf8')).toContain(
      'require("infrastructure-consciousness")',
    );
  }, 120_000);

  it('type-checks every ```ts block of README.md and docs/*.md (strict, skipLibCheck off) against the shipped types', () => {
    const snippets = docSnippets(ROOT);
    const checked = snippets.filter((s) => s.notChecked === undefined);
    console.log(
      `doc blocks: ${checked.length} type-checked, ${snippets.length - checked.length} marked not-checked`,
    );
    expect(checked.length).toBeGreaterThan(5);
    // One line per error, located in the markdown (README.md:182:11: TS2339 …).
    expect(typeCheckSnippets(app, checked)).toEqual([]);
  }, 120_000);

  it('runs the ESM consumer against the lab emulator: SDK client, classifier + fallback adapter, fallbackValue, importAdapter of its own module, /metrics', async () => {
    const out = await runConsumer('build/esm/main.js');
    expect(out).toMatchObject({
      teapotSender: 'deepseek/lab-gpt',
      downText: '(down is silent)',
      localText: 'local heard: Circle, what do you see?',
      categories: ['server_error'],
    });
    expect(out.sdkText).toEqual(expect.any(String));
    expect(out.metricsCallLines).toBeGreaterThan(0);
  });

  it('runs the CommonJS consumer: require() of the package, its /firecircle and /lab entries', async () => {
    const out = await runConsumer('build/cjs/main.cjs');
    expect(out).toMatchObject({
      brokenSender: 'anthropic/lab-claude',
      silentText: 'silence',
      seen: ['overloaded'],
      healthOk: true,
      isCommonJS: true,
    });
    expect(out.sdkText).toEqual(expect.any(String));
  });
});
