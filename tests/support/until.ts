/**
 * Poll `fn` every 100 ms until it gives a value (not undefined, not false); fail naming `what` after `timeoutMs`.
 * A long default: it only matters when the awaited thing never comes, and this machine is small and shared.
 */
export async function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
