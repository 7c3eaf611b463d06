import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/architecture.md's folder layers true: every import of a src/ folder goes to a folder
 * drawn on a lower layer (so no folder imports a folder that imports it back), and the shared
 * vocabulary imports nothing. Type-only imports and dynamic import() count like any other.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
/** How the drawing names the files directly in src/ (the root entry point). */
const ROOT_ENTRY = 'index.ts';
const VOCABULARY = 'vocabulary';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(e.name) ? [path] : [];
  });
}

/** The folder of src/ a file belongs to (its first path segment), or the root entry. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? ROOT_ENTRY : parts[0]!;
}

interface Import {
  readonly from: string;
  readonly specifier: string;
  /** The imported file, for relative specifiers. */
  readonly target: string | undefined;
}

function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName }) => ({
    from: file,
    specifier: fileName,
    target: fileName.startsWith('.') ? resolve(dirname(file), fileName.replace(/\.js$/, '.ts')) : undefined,
  }));
}

/** Folder → folders it imports, with one example import per edge. */
function folderEdges(imports: readonly Import[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const i of imports) {
    if (i.target === undefined || !i.target.startsWith(SRC + sep)) continue;
    const from = folderOf(i.from);
    const to = folderOf(i.target);
    if (from === to) continue;
    let out = edges.get(from);
    if (out === undefined) edges.set(from, (out = new Map()));
    if (!out.has(to)) out.set(to, `${relative(ROOT, i.from)} imports ${i.specifier}`);
  }
  return edges;
}

/** The layers drawn in docs/architecture.md: folder → layer number (0 = bottom). */
function drawnLayers(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const block = /<!-- folder layers[^>]*-->\s*```text\n([\s\S]*?)```/.exec(doc);
  if (block === null) throw new Error('docs/architecture.md has no "folder layers" block');
  const layers = new Map<string, number>();
  for (const line of block[1]!.split('\n')) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (m === null) continue;
    const names = m[2]!
      .split('—')[0]!
      .split('·')
      .map((s) => s.trim());
    for (const name of names.filter(Boolean)) layers.set(name, Number(m[1]));
  }
  return layers;
}

/** Cycles between folders (strongly connected components of more than one folder). */
function folderCycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const files = sourceFiles(SRC);
const imports = files.flatMap((f) => importsOf(f));
const edges = folderEdges(imports);

describe('folder layering of src/', () => {
  it('has no import cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('imports only downwards, as drawn in docs/architecture.md', () => {
    const layers = drawnLayers();
    const folders = new Set(files.map(folderOf));
    expect([...folders].filter((f) => !layers.has(f)).sort(), 'folders missing from the drawing').toEqual([]);
    expect(
      [...layers.keys()].filter((f) => !folders.has(f)).sort(),
      'drawn folders that do not exist',
    ).toEqual([]);
    const upward: string[] = [];
    for (const [from, out] of edges) {
      for (const [to, example] of out) {
        if (layers.get(to)! >= layers.get(from)!)
          upward.push(`${from} (${layers.get(from)}) → ${to} (${layers.get(to)}): ${example}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the shared vocabulary free of imports', () => {
    const outside = imports
      .filter((i) => folderOf(i.from) === VOCABULARY)
      .filter((i) => i.target === undefined || folderOf(i.target) !== VOCABULARY)
      .map((i) => `${relative(ROOT, i.from)} imports ${i.specifier}`);
    expect(outside).toEqual([]);
  });

  it('sees the imports it checks (type-only and dynamic ones included)', () => {
    // A parser that found nothing would pass every rule above.
    expect(edges.get('wrap')?.has('resilience')).toBe(true);
    const forms = [
      "import type { A } from './a.js';",
      "export { B } from './b.js';",
      "const c = await import('./c.js');",
      "let d: import('./d.js').D;",
    ].join('\n');
    expect(importsOf(join(SRC, 'x.ts'), forms).map((i) => i.specifier)).toEqual([
      './a.js',
      './b.js',
      './c.js',
      './d.js',
    ]);
  });
});
