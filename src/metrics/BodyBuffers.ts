// Headroom on a fresh buffer, so a scrape that grew a little still fits the next time.
const HEADROOM = 1.125;
// A scrape in flight, the next one's scratch and its body: more would only hold memory.
const MAX_SPARE = 3;

/**
 * Response bodies reused from scrape to scrape. A scrape of a large registry is close to a
 * megabyte; writing it into fresh memory each time costs page faults (several ms on a VM) and GC
 * work that the rendering itself no longer does. A body is handed out to one response at a time
 * and only comes back through `release`, once nothing reads it any more.
 */
export class BodyBuffers {
  private readonly spare: Buffer[] = [];

  /** A buffer of exactly `size` bytes whose memory no other unreleased body shares. */
  acquire(size: number): Buffer {
    const i = this.spare.findIndex((buffer) => buffer.length >= size);
    const whole = i >= 0 ? this.spare.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(size * HEADROOM));
    return whole.subarray(0, size);
  }

  /** Gives `body` (from `acquire`) back for reuse; call it once its response has closed. */
  release(body: Buffer): void {
    const memory = body.buffer;
    if (this.spare.length >= MAX_SPARE || this.spare.some((buffer) => buffer.buffer === memory)) return;
    this.spare.push(Buffer.from(memory, 0, memory.byteLength));
  }
}

/** `text` UTF-8 encoded into a buffer of `bodies` (to be released there) when given, else a fresh one. */
export function encodeText(text: string, bodies?: BodyBuffers): Buffer {
  const size = Buffer.byteLength(text);
  const body = bodies?.acquire(size) ?? Buffer.allocUnsafe(size);
  body.write(text, 0, size === text.length ? 'latin1' : 'utf8');
  return body;
}
