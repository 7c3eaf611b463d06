import { describe, expect, it } from 'vitest';
import { approximateTokens, ReciprocityLedger } from '../../../src/firecircle/adapters/ReciprocityLedger.js';

describe('ReciprocityLedger', () => {
  it("keeps the original's balance: 1.0 before any exchange, min(1, generated / consumed / 2) after", () => {
    const ledger = new ReciprocityLedger();
    expect(ledger.balance).toBe(1);
    ledger.record(100, 100);
    expect(ledger.balance).toBe(0.5);
    ledger.record(100, 500);
    expect(ledger.balance).toBe(1);
    expect(ledger.messagesExchanged).toBe(4);
    expect([ledger.tokensConsumed, ledger.tokensGenerated]).toEqual([200, 600]);
  });

  it('ignores token counts that are not non-negative numbers', () => {
    const ledger = new ReciprocityLedger();
    ledger.record(Number.NaN, -3);
    expect([ledger.tokensConsumed, ledger.tokensGenerated, ledger.messagesExchanged]).toEqual([0, 0, 2]);
  });

  it('approximates tokens by words', () => {
    expect(approximateTokens('  one two\nthree ')).toBe(3);
    expect(approximateTokens('')).toBe(0);
  });
});
