import { describe, expect, it } from 'vitest';
import { extractSnippets } from './docSnippets.js';

// The extraction the docs check relies on (test/package/consumer.test.ts type-checks what it finds).

const FENCE = '```';

describe('extractSnippets', () => {
  it('finds ts and typescript blocks with the markdown line of their first code line, and only those', () => {
    const markdown = [
      '# Title', // 1
      `${FENCE}sh`, // 2
      'npm install x', // 3
      FENCE, // 4
      `${FENCE}ts`, // 5
      'const a = 1;', // 6
      'const b = a;', // 7
      FENCE, // 8
      `${FENCE}js`, // 9
      'const c = require("x");', // 10
      FENCE, // 11
      `${FENCE}typescript`, // 12
      'type T = string;', // 13
      FENCE, // 14
    ].join('\n');
    expect(extractSnippets('README.md', markdown)).toEqual([
      { file: 'README.md', line: 6, code: 'const a = 1;\nconst b = a;' },
      { file: 'README.md', line: 13, code: 'type T = string;' },
    ]);
  });

  it('removes the indentation of a fence inside a list item and treats a ts fence inside another block as text', () => {
    const markdown = [
      '1. Step', // 1
      `   ${FENCE}ts`, // 2
      '   if (x) {', // 3
      '     y();', // 4
      '   }', // 5
      `   ${FENCE}`, // 6
      '````md', // 7
      `${FENCE}ts`, // 8
      'not code', // 9
      FENCE, // 10
      '````', // 11
    ].join('\n');
    expect(extractSnippets('docs/x.md', markdown)).toEqual([
      { file: 'docs/x.md', line: 3, code: 'if (x) {\n  y();\n}' },
    ]);
  });

  it('carries the reason of a not-checked marker on the last non-blank line before the fence', () => {
    const markdown = [
      '<!-- not-checked: pseudo-code of the retry loop -->', // 1
      '', // 2
      `${FENCE}ts`, // 3
      'retry(forever);', // 4
      FENCE, // 5
      '<!-- not-checked: only for the block right after it -->', // 6
      'Prose in between.', // 7
      `${FENCE}ts`, // 8
      'checked();', // 9
      FENCE, // 10
    ].join('\n');
    expect(extractSnippets('README.md', markdown)).toEqual([
      { file: 'README.md', line: 4, code: 'retry(forever);', notChecked: 'pseudo-code of the retry loop' },
      { file: 'README.md', line: 9, code: 'checked();' },
    ]);
  });

  it('refuses a not-checked marker without a reason', () => {
    const markdown = ['<!-- not-checked: -->', `${FENCE}ts`, 'x();', FENCE].join('\n');
    expect(() => extractSnippets('README.md', markdown)).toThrow(
      'README.md:1: a not-checked marker needs a reason',
    );
  });
});
