import type { ExpositionFormat } from './ExpositionFormat.js';

// Global, so that no two layouts of any family ever share a version number.
let nextVersion = 1;

/**
 * Which layout a family's cached line prefixes were built for, per format slot: a new version
 * whenever the format's key (default labels) or the family's name changed since the last scrape.
 */
export class LayoutVersions {
  private readonly keys = ['', ''];
  private readonly versions = [0, 0];

  /** The version the prefixes of `format` for a family named `name` must carry to be reused. */
  current(format: ExpositionFormat, name: string): number {
    const key = `${format.key}\n${name}`;
    if (this.keys[format.slot] !== key) {
      this.keys[format.slot] = key;
      this.versions[format.slot] = nextVersion++;
    }
    return this.versions[format.slot]!;
  }
}

/** The line prefixes of one series (newline, name, labels, space: UTF-8 bytes), per format slot, each tagged with the layout version it was built for. */
export class LinePrefixes {
  private readonly versions = [0, 0];
  private readonly lines: (readonly Buffer[])[] = [[], []];

  /** The cached prefixes of `slot` when they were built for `version`. */
  get(slot: 0 | 1, version: number): readonly Buffer[] | undefined {
    return this.versions[slot] === version ? this.lines[slot] : undefined;
  }

  /** Caches `lines` for `slot` at `version` and returns them. */
  set(slot: 0 | 1, version: number, lines: readonly Buffer[]): readonly Buffer[] {
    this.versions[slot] = version;
    this.lines[slot] = lines;
    return lines;
  }
}
