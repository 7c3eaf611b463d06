import { describe, expect, it } from 'vitest';
import { BoundedRing } from '../../../src/consciousness/collector/BoundedRing.js';
import { MAX_SCANNED_TEXT, detectTextMarkers } from '../../../src/consciousness/collector/textMarkers.js';

describe('detectTextMarkers', () => {
  it('finds reflective word families and the flags they raise', () => {
    expect(detectTextMarkers('I have been reflecting; maybe we are unsure.')).toEqual({
      markers: ['reflect', 'perhaps', 'unsure'],
      synthesis: false,
      uncertainty: true,
    });
    expect(detectTextMarkers('An emergent synthesis, integrating our views together')).toEqual({
      markers: ['together', 'emerge', 'synthesis', 'integrate'],
      synthesis: true,
      uncertainty: false,
    });
  });

  it('matches whole words only', () => {
    expect(detectTextMarkers('Wonderful togetherness; the emergency reflector').markers).toEqual([]);
  });

  it('scans a bounded prefix of huge texts', () => {
    const text = `${'x '.repeat(MAX_SCANNED_TEXT)} synthesis`;
    expect(detectTextMarkers(text).synthesis).toBe(false);
  });
});

describe('BoundedRing', () => {
  it('keeps the newest items, oldest first, and reports evictions', () => {
    const ring = new BoundedRing<number>(3);
    expect(ring.push(1)).toBeUndefined();
    ring.push(2);
    ring.push(3);
    expect(ring.push(4)).toBe(1);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(ring.shift()).toBe(2);
    expect(ring.toArray()).toEqual([3, 4]);
    ring.push(5);
    ring.push(6);
    expect([...ring]).toEqual([4, 5, 6]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.shift()).toBeUndefined();
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BoundedRing(0)).toThrow(RangeError);
  });
});
