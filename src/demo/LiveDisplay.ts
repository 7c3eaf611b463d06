import { renderDashboard, renderStatusLines, type DashboardView } from './Dashboard.js';

/** Where the display writes. */
export interface DisplayOutput {
  write(text: string): unknown;
}

const CLEAR_SCREEN = '\u001b[2J\u001b[H';
const CURSOR_HOME = '\u001b[H';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

/**
 * Shows the run as it goes. On a terminal (`live`) the dashboard is redrawn in place (cursor home,
 * each line cleared to its end, the rest of the screen cleared); otherwise plain status lines are
 * printed every `plainEveryMs` and patterns and healings as they happen, so logs stay readable.
 */
export class LiveDisplay {
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  private started = false;

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
      const prefix = this.started ? CURSOR_HOME : `${HIDE_CURSOR}${CLEAR_SCREEN}`;
      this.started = true;
      const text = renderDashboard(view, { color: true }).split('\n').join(`${CLEAR_LINE_END}\n`);
      this.out.write(`${prefix}${text}${CLEAR_LINE_END}\n${CLEAR_BELOW}`);
      return;
    }
    if (view.elapsedMs - this.lastPlainAt < this.options.plainEveryMs) return;
    this.lastPlainAt = view.elapsedMs;
    this.out.write(`${renderStatusLines(view)}\n`);
  }

  /** A pattern or healing line: printed at once in plain mode; the live dashboard lists it itself. */
  event(line: string): void {
    if (!this.options.live) this.out.write(`${line}\n`);
  }

  /** Draws the last frame and gives the terminal its cursor back. */
  stop(view: DashboardView): void {
    if (this.options.live) {
      this.frame(view);
      this.out.write(SHOW_CURSOR);
    } else {
      this.lastPlainAt = Number.NEGATIVE_INFINITY;
      this.frame(view);
    }
  }

  /** Gives the terminal its cursor back without drawing (after an error or interrupt). */
  release(): void {
    if (this.options.live && this.started) this.out.write(SHOW_CURSOR);
  }
}
