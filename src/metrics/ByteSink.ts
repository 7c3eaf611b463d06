/** How a format writes a sample value. */
export interface NumberSpelling {
  /** The value as the format prints it. */
  value(value: number): string;
}

/**
 * A growable byte buffer a scrape is written into: cached line prefixes are copied in as bytes,
 * numbers are written digit by digit, so rendering builds no strings (and leaves no garbage) for
 * the lines of our own cells. Grows by doubling; `bytes()` is the written part.
 */
export class ByteSink {
  private buffer: Buffer;
  /** Bytes written so far. */
  length = 0;

  /** `initial`: where writing starts (a reused buffer); it is replaced when it fills up. */
  constructor(initial: Buffer) {
    this.buffer = initial;
  }

  /** The buffer written into (its first `length` bytes hold the output). */
  get target(): Buffer {
    return this.buffer;
  }

  /** The written bytes, a view of the buffer. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Appends raw bytes. */
  write(bytes: Uint8Array): void {
    const end = this.length + bytes.length;
    if (end > this.buffer.length) this.grow(end);
    this.buffer.set(bytes, this.length);
    this.length = end;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    const size = Buffer.byteLength(text);
    if (this.length + size > this.buffer.length) this.grow(this.length + size);
    this.length += this.buffer.write(text, this.length, size === text.length ? 'latin1' : 'utf8');
  }

  /**
   * Appends a number as `format` spells it: a non-negative safe integer digit by digit (the same
   * digits `${value}` prints, as both formats do), anything else through `format.value`
   * (fractions, negatives, NaN, ±Inf), whose output is ASCII.
   */
  number(value: number, format: NumberSpelling): void {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value) {
      this.integer(value);
      return;
    }
    const text = format.value(value);
    const end = this.length + text.length;
    if (end > this.buffer.length) this.grow(end);
    const buffer = this.buffer;
    for (let i = 0, at = this.length; i < text.length; i++, at++) buffer[at] = text.charCodeAt(i);
    this.length = end;
  }

  private integer(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    const end = this.length + digits;
    if (end > this.buffer.length) this.grow(end);
    const buffer = this.buffer;
    let at = end;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      buffer[--at] = 48 + (rest - next * 10);
      rest = next;
    } while (rest > 0);
    this.length = end;
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2, 4096));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}
