import { systemScheduler, type Scheduler, type Timer } from '../clock/Scheduler.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';

/** Signals on which memory is saved before the process ends. */
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ExitSignal = (typeof EXIT_SIGNALS)[number];

/**
 * Every started autosave, for the process-wide exit hooks. Held strongly: a brain nobody references any more may
 * still hold what it learned last, and the exit save is its only chance to keep it.
 */
const savers = new Set<MemoryAutosave>();
let hooked = false;

async function saveAll(reason: string): Promise<void> {
  await Promise.allSettled([...savers].map((s) => s.saveNow(reason)));
}

function onSignal(signal: ExitSignal): void {
  void saveAll(signal).finally(() => {
    process.removeListener(signal, onSignal);
    // Nobody else handles the signal: end the process the way Node would have without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** When the event loop empties; saving schedules work, so once until the next periodic save. */
let savedBeforeExit = false;
function onBeforeExit(): void {
  if (savedBeforeExit) return;
  savedBeforeExit = true;
  void saveAll('beforeExit');
}

function hookProcess(): void {
  if (hooked) return;
  hooked = true;
  for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
}

/** Options of a {@link MemoryAutosave}. */
export interface MemoryAutosaveOptions {
  /** Saves what was learned (e.g. the brain's `saveMemory`); must not reject for an unwritable store. */
  readonly save: () => Promise<void>;
  /** Time between periodic saves; 0: only on exit. */
  readonly intervalMs: number;
  readonly logger: ConsciousnessLogger;
  /** The periodic save's timer (default: Node's timers). */
  readonly scheduler?: Scheduler;
}

/**
 * Saves learned memory while the process runs: every `intervalMs` (an unref'd timer, which never keeps the
 * process alive), when the event loop empties (`beforeExit`), and on SIGINT / SIGTERM / SIGHUP — after which a
 * signal nobody else listens for ends the process as it would have. A process that ends otherwise
 * (`process.exit()`, a crash) keeps what the last periodic save wrote.
 */
export class MemoryAutosave {
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;

  private readonly scheduler: Scheduler;

  constructor(private readonly options: MemoryAutosaveOptions) {
    this.scheduler = options.scheduler ?? systemScheduler;
  }

  /** Starts the periodic saves and the exit hooks. */
  start(): void {
    hookProcess();
    savers.add(this);
    if (this.options.intervalMs > 0 && this.timer === undefined) {
      this.timer = this.scheduler.setInterval(() => {
        savedBeforeExit = false;
        void this.saveNow('periodic');
      }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops the periodic saves and leaves the exit hooks. */
  stop(): void {
    this.scheduler.clearInterval(this.timer);
    this.timer = undefined;
    savers.delete(this);
  }

  /** Saves now (a save already running is awaited instead of starting another); never rejects. */
  saveNow(reason: string): Promise<void> {
    this.running ??= this.options
      .save()
      .catch((err: unknown) => {
        this.options.logger.warn({ err: String(err), reason }, 'memory autosave failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
