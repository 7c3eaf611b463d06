/** A source of uniform numbers in [0, 1), like Math.random; injected so the healer's choices are reproducible. */
export type RandomSource = () => number;
