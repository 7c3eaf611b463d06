import type { Clock } from '../clock/Clock.js';
import { createMessage, type ConsciousMessage } from '../firecircle/ConsciousMessage.js';

/** Questions the facilitator brings to the circle, in turn. */
export const CIRCLE_QUESTIONS: readonly string[] = Object.freeze([
  'What does reciprocity ask of a system whose parts fail?',
  'How should the circle listen when one voice falls silent?',
  'What can infrastructure learn from its own failures?',
  'When several voices falter together, what do they share?',
  'How does a changing API change the dialogue built on it?',
  'What does healing look like for a voice that was never broken, only unheard?',
]);

/** What a voice is asked to answer: the latest message from someone else, after the dialogue so far. */
export interface Turn {
  /** The message to answer. */
  readonly message: ConsciousMessage;
  /** The messages before it (most recent last). */
  readonly context: readonly ConsciousMessage[];
}

/**
 * The shared Fire Circle dialogue: a facilitator's question, then every voice answering the latest
 * message that is not its own. Only the most recent messages are kept (the adapters send at most
 * the last few as context anyway).
 */
export class Dialogue {
  /** Id of the dialogue all messages belong to. */
  readonly dialogueId: string;
  private readonly recent: ConsciousMessage[] = [];
  private readonly clock: Clock;
  private readonly keep: number;
  private questions = 0;

  /** Opens the dialogue with the first question; `keep` messages are remembered (default 8). */
  constructor(options: { readonly dialogueId: string; readonly clock: Clock; readonly keep?: number }) {
    this.dialogueId = options.dialogueId;
    this.clock = options.clock;
    this.keep = options.keep ?? 8;
    this.ask();
  }

  /** The facilitator opens the next question (cycling through {@link CIRCLE_QUESTIONS}). */
  ask(): ConsciousMessage {
    const text = CIRCLE_QUESTIONS[this.questions % CIRCLE_QUESTIONS.length] ?? 'What do we hear?';
    this.questions += 1;
    return this.add(
      createMessage(
        { role: 'user', type: 'question', sender: 'facilitator', content: text, dialogueId: this.dialogueId },
        { clock: this.clock },
      ),
    );
  }

  /** What `sender` should answer next. */
  turnFor(sender: string): Turn {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const message = this.recent[i];
      if (message !== undefined && message.sender !== sender) {
        return { message, context: this.recent.slice(0, i) };
      }
    }
    const question = this.ask();
    return { message: question, context: this.recent.slice(0, -1) };
  }

  /** A reply joins the dialogue; replies to a streamed turn are built from their text. */
  reply(sender: string, answered: ConsciousMessage, reply: ConsciousMessage | string): ConsciousMessage {
    const message =
      typeof reply === 'string'
        ? createMessage(
            {
              role: 'assistant',
              type: 'response',
              sender,
              content: reply,
              dialogueId: this.dialogueId,
              inResponseTo: answered.id,
            },
            { clock: this.clock },
          )
        : reply;
    return this.add(message);
  }

  /** The latest message. */
  get latest(): ConsciousMessage | undefined {
    return this.recent[this.recent.length - 1];
  }

  private add(message: ConsciousMessage): ConsciousMessage {
    this.recent.push(message);
    if (this.recent.length > this.keep) this.recent.shift();
    return message;
  }
}
