import { createHash } from 'node:crypto';

/** A Lua script run atomically by Redis: sent once by body, then by its SHA1 (EVALSHA). */
export class LuaScript {
  /** SHA1 of the body, as Redis names it. */
  readonly sha: string;

  constructor(
    /** What the script does, for logs. */
    readonly name: string,
    /** The Lua source. */
    readonly body: string,
  ) {
    this.sha = createHash('sha1').update(body).digest('hex');
  }
}
