/** Retry policy for jobs and outbound messages: capped exponential backoff, then parked. */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, capMs: 15 * 60_000, maxAttempts: 6 };

/** When to try again after `attempts` failures, or null when it is time to park the work with its error. */
export function nextAttemptAt(now: Date, attempts: number, policy: RetryPolicy = DEFAULT_RETRY): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.baseMs * 2 ** Math.max(0, attempts - 1), policy.capMs);
  return new Date(now.getTime() + delay);
}
