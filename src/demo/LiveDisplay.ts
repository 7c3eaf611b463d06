import { renderDashboard, renderStatusLines, type DashboardView } from './Dashboard.js';

/** Where the display writes; a terminal also tells its size. */
export interface DisplayOutput {
  write(text: string): unknown;
  /** Terminal height in rows (process.stdout.rows). */
  readonly rows?: number | undefined;
  /** Terminal width in columns (process.stdout.columns). */
  readonly columns?: number | undefined;
}

const CLEAR_SCREEN = '\u001b[2J\u001b[H';
const CURSOR_HOME = '\u001b[H';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[A-Za-z]/g;
const MAX_RECENT = 5;

/** Terminal cells a line takes (emoji are two cells wide). */
function cellsOf(line: string): number {
  let cells = 0;
  for (const ch of line.replace(ANSI_SEQUENCE, '')) cells += (ch.codePointAt(0) ?? 0) >= 0x1f000 ? 2 : 1;
  return cells;
}

/** Rows a frame takes on a terminal `columns` wide (long lines wrap). */
export function rowsOf(frame: string, columns: number | undefined): number {
  const lines = frame.split('\n');
  if (columns === undefined || columns <= 0) return lines.length;
  return lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(cellsOf(line) / columns)), 0);
}

/**
 * Shows the run as it goes. On a terminal (`live`) the dashboard is redrawn in place (cursor home,
 * each line cleared to its end, the rest of the screen cleared); otherwise plain status lines are
 * printed every `plainEveryMs` and patterns and healings as they happen, so logs stay readable.
 */
export class LiveDisplay {
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  private started = false;
  private released = false;

  constructor(
    private readonly out: DisplayOutput,
    private readonly options: { readonly live: boolean; readonly plainEveryMs: number },
  ) {}

  /** Whether frames are redrawn in place. */
  get live(): boolean {
    return this.options.live;
  }

  /** Shows one frame (live), or a status report when one is due (plain). */
  frame(view: DashboardView): void {
    if (this.options.live) {
      const { frame, fits } = this.fitted(view);
      // A frame taller than the screen scrolls it: then only clearing the whole screen redraws cleanly.
      const prefix = !this.started ? `${HIDE_CURSOR}${CLEAR_SCREEN}` : fits ? CURSOR_HOME : CLEAR_SCREEN;
      this.started = true;
      const text = frame.split('\n').join(`${CLEAR_LINE_END}\n`);
      this.out.write(`${prefix}${text}${CLEAR_LINE_END}\n${CLEAR_BELOW}`);
      return;
    }
    if (view.elapsedMs - this.lastPlainAt < this.options.plainEveryMs) return;
    this.lastPlainAt = view.elapsedMs;
    this.out.write(`${renderStatusLines(view)}\n`);
  }

  /**
   * The frame with as many recent patterns and healings as fit the terminal: redrawing from the
   * cursor-home position only works while the frame does not scroll the screen.
   */
  private fitted(view: DashboardView): { frame: string; fits: boolean } {
    const { rows, columns } = this.out;
    let frame = renderDashboard(view, { color: true, recent: MAX_RECENT });
    if (rows === undefined) return { frame, fits: true };
    for (let recent = MAX_RECENT - 1; recent >= 0 && rowsOf(frame, columns) >= rows; recent--) {
      frame = renderDashboard(view, { color: true, recent });
    }
    return { frame, fits: rowsOf(frame, columns) < rows };
  }

  /** A pattern or healing line: printed at once in plain mode; the live dashboard lists it itself. */
  event(line: string): void {
    if (!this.options.live) this.out.write(`${line}\n`);
  }

  /** Draws the last frame and gives the terminal its cursor back. */
  stop(view: DashboardView): void {
    if (this.options.live) {
      this.frame(view);
      this.release();
    } else {
      this.lastPlainAt = Number.NEGATIVE_INFINITY;
      this.frame(view);
    }
  }

  /** Gives the terminal its cursor back without drawing (after an error or interrupt). */
  release(): void {
    if (!this.options.live || !this.started || this.released) return;
    this.released = true;
    this.out.write(SHOW_CURSOR);
  }
}
