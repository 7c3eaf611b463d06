import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The TypeScript blocks of the docs, as a user copies them: every ```ts / ```typescript fence of
 * README.md and docs/*.md is type-checked against the packed package (test/package/consumer.test.ts).
 * A block that is deliberately not compilable says so on the line before its fence:
 * `<!-- not-checked: why -->`. Free names the fragments share (`client`, `deepseekAdapter`, …) are
 * declared once in test/package/consumer-app/doc-snippets/prelude.d.ts.
 */

/** One fenced TypeScript block of a markdown file. */
export interface DocSnippet {
  /** The markdown file, relative to the repository root (`README.md`, `docs/scale-out.md`). */
  readonly file: string;
  /** 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** The code, with the fence's own indentation removed. */
  readonly code: string;
  /** Why the block is not type-checked, when a `<!-- not-checked: … -->` marker precedes it. */
  readonly notChecked?: string;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const NOT_CHECKED = /^\s*<!--\s*not-checked:\s*(.*?)\s*-->\s*$/;
const TS_LANGUAGES = new Set(['ts', 'typescript']);

/** The ```ts / ```typescript blocks of one markdown text, in order. */
export function extractSnippets(file: string, markdown: string): DocSnippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: DocSnippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (TS_LANGUAGES.has(language.toLowerCase())) {
      const marker = NOT_CHECKED.exec(previousNonBlank(lines, i));
      const reason = marker?.[1];
      if (marker && !reason) throw new Error(`${file}:${i}: a not-checked marker needs a reason`);
      snippets.push({ file, line: i + 2, code: body.join('\n'), ...(reason ? { notChecked: reason } : {}) });
    }
    i = j; // the closing fence
  }
  return snippets;
}

function previousNonBlank(lines: readonly string[], index: number): string {
  for (let k = index - 1; k >= 0; k--) if ((lines[k] ?? '').trim() !== '') return lines[k] ?? '';
  return '';
}

/** README.md and docs/*.md of the repository at `root`, with their TypeScript blocks. */
export function docSnippets(root: string): DocSnippet[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((file) => extractSnippets(file, readFileSync(join(root, file), 'utf8')));
}

/** Strict options of a user's ESM project (as test/package/consumer-app/tsconfig.json), no output. */
const USER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  types: ['node'],
  noEmit: true,
};

/**
 * Type-checks the snippets in one program inside the consumer project `app` (where the packed
 * package is installed), each block as its own ES module next to the shared prelude. Returns one
 * line per diagnostic, located in the markdown: `README.md:75: TS2304 Cannot find name 'x'.`
 */
export function typeCheckSnippets(app: string, snippets: readonly DocSnippet[]): string[] {
  const folder = join(app, 'doc-snippets');
  const byPath = new Map<string, DocSnippet>();
  snippets.forEach((snippet, index) => {
    const name = `${snippet.file.replace(/[^\w]+/g, '_')}_L${snippet.line}_${index}.ts`;
    const path = join(folder, name);
    // `export {}` keeps a block without imports a module: its names stay its own.
    writeFileSync(path, `${snippet.code}\nexport {};\n`);
    byPath.set(path, snippet);
  });
  const program = ts.createProgram({
    rootNames: [join(folder, 'prelude.d.ts'), ...byPath.keys()],
    options: { ...USER_OPTIONS, rootDir: app },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const snippet = d.file ? byPath.get(d.file.fileName) : undefined;
    if (!d.file || d.start === undefined) return `TS${d.code} ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const where = snippet
      ? `${snippet.file}:${snippet.line + line}:${character + 1}`
      : `${relative(app, d.file.fileName)}:${line + 1}:${character + 1}`;
    return `${where}: TS${d.code} ${text}`;
  });
}
