/**
 * A per-user token bucket, pure: the state and `now` come in, the decision and the next state go out. The caller
 * keeps the state (a row per platform:user and kind) in the same transaction as the update it limits.
 */

/** `limit` actions per `windowMinutes`, refilled evenly: a burst of `limit`, then one every window/limit. */
export interface RateLimit {
  limit: number;
  windowMinutes: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was computed, ms since the epoch. */
  at: number;
  /** The over-limit notice has been sent since the bucket last had a token. */
  noticed: boolean;
}

export interface RateDecision {
  allowed: boolean;
  /** Over the limit for the first time since the last allowed action: say so once, then stay silent. */
  notify: boolean;
  state: BucketState;
}

/** A stored bucket, or null when the row is missing or unreadable: a broken row must never stop the desk. */
export function parseBucket(raw: string | null): BucketState | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<BucketState>;
    return typeof v.tokens === "number" && typeof v.at === "number" && Number.isFinite(v.tokens + v.at)
      ? { tokens: v.tokens, at: v.at, noticed: v.noticed === true }
      : null;
  } catch {
    return null;
  }
}

export function takeToken(state: BucketState | null, limit: RateLimit, now: number): RateDecision {
  const capacity = Math.max(1, limit.limit);
  const perMs = capacity / (limit.windowMinutes * 60_000);
  const prev = state ?? { tokens: capacity, at: now, noticed: false };
  // A clock that went backwards refills nothing rather than draining the bucket.
  const tokens = Math.min(capacity, prev.tokens + Math.max(0, now - prev.at) * perMs);
  if (tokens >= 1)
    return { allowed: true, notify: false, state: { tokens: tokens - 1, at: now, noticed: false } };
  return { allowed: false, notify: !prev.noticed, state: { tokens, at: now, noticed: true } };
}

/** Minutes until the next token, rounded up: told to the user in the over-limit notice. */
export function minutesUntilToken(state: BucketState, limit: RateLimit): number {
  const capacity = Math.max(1, limit.limit);
  const perMs = capacity / (limit.windowMinutes * 60_000);
  return Math.max(1, Math.ceil((1 - state.tokens) / perMs / 60_000));
}
