import type { ConsciousMessageLike } from '../ConsciousMessage.js';

/** One chat turn as both SDKs take it. */
export interface ChatTurn {
  /** `user` or `assistant`; system text is gathered separately. */
  readonly role: 'user' | 'assistant';
  /** The turn's text. */
  readonly content: string;
}

/** A dialogue laid out for a chat API. */
export interface DialogueTurns {
  /** System text: the adapter's system prompt, then the dialogue's system messages (blank-line separated). */
  readonly system: string | undefined;
  /** The dialogue so far, then the message to answer as the last user turn. */
  readonly turns: ChatTurn[];
}

/** How a dialogue is laid out. */
export interface DialogueTurnsOptions {
  /** This adapter's sender id: its own earlier replies stay `assistant` turns. */
  readonly self: string;
  /** System prompt put before the dialogue's system messages. */
  readonly systemPrompt?: string | undefined;
  /** Only the latest N context messages are sent. */
  readonly maxContextMessages?: number | undefined;
}

/**
 * Lays out a Fire Circle dialogue for a chat API, in dialogue order. System messages become system
 * text; this voice's earlier replies are `assistant` turns; other voices' replies are `user` turns
 * prefixed with `[sender]`, so the model does not take their words for its own; messages without
 * text are skipped. The message to answer is always the last `user` turn.
 */
export function dialogueTurns(
  message: ConsciousMessageLike,
  context: readonly ConsciousMessageLike[],
  options: DialogueTurnsOptions,
): DialogueTurns {
  const system: string[] = [];
  if (options.systemPrompt !== undefined && options.systemPrompt !== '') system.push(options.systemPrompt);
  const turns: ChatTurn[] = [];
  const limit = options.maxContextMessages;
  const recent = limit !== undefined && context.length > limit ? context.slice(-limit) : context;
  for (const entry of recent) {
    const text = textOf(entry);
    if (text === '') continue;
    if (entry.role === 'system') {
      system.push(text);
    } else if (entry.role === 'assistant') {
      const sender = typeof entry.sender === 'string' ? entry.sender : undefined;
      turns.push(
        sender === undefined || sender === options.self
          ? { role: 'assistant', content: text }
          : { role: 'user', content: `[${sender}] ${text}` },
      );
    } else {
      turns.push({ role: 'user', content: text });
    }
  }
  turns.push({ role: 'user', content: textOf(message) });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, turns };
}

function textOf(message: ConsciousMessageLike | undefined): string {
  const text: unknown = message?.content?.text;
  return typeof text === 'string' ? text : '';
}
