/** Messages and tokens an adapter has exchanged with its provider (the inherited reciprocity counters). */
export class ReciprocityLedger {
  /** Messages sent to the model. */
  messagesSent = 0;
  /** Replies received from the model. */
  messagesReceived = 0;
  /** Tokens the model generated for us. */
  tokensGenerated = 0;
  /** Tokens we consumed as prompts. */
  tokensConsumed = 0;

  /** Records one completed exchange. */
  record(tokensConsumed: number, tokensGenerated: number): void {
    this.messagesSent++;
    this.messagesReceived++;
    this.tokensConsumed += nonNegativeInt(tokensConsumed);
    this.tokensGenerated += nonNegativeInt(tokensGenerated);
  }

  /** The inherited balance: min(1, generated / consumed / 2), so 0.5 is balanced; 1.0 before any exchange. */
  get balance(): number {
    if (this.tokensConsumed === 0) return 1;
    return Math.min(1, this.tokensGenerated / this.tokensConsumed / 2);
  }

  /** Messages sent plus messages received. */
  get messagesExchanged(): number {
    return this.messagesSent + this.messagesReceived;
  }
}

function nonNegativeInt(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** A rough token count (words) for providers that report no usage. */
export function approximateTokens(text: string): number {
  let count = 0;
  for (const word of text.split(/\s+/)) if (word !== '') count++;
  return count;
}
