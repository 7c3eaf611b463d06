/**
 * Waits (without asserting on time) until `condition` holds, checking every 5 ms; fails the test
 * with `what` after `ms` of wall-clock time.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
