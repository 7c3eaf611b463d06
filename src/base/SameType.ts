/** True when A and B are the same type (not merely assignable either way): for compile-time checks. */
export type SameType<A, B> =
  (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;
