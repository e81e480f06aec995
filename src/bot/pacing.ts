/**
 * Outbound pacing for chat platforms: at most one message per second per chat, twenty per minute per group,
 * thirty per second overall (Telegram's published limits). A group's twenty a minute are spread evenly (one every
 * three seconds): spent in a burst, they would leave the group silent for the rest of the minute, and what came
 * next (a storm's next count, a drop notice) would wait up to a minute. `wait` says how long to hold the next
 * message; reactions and edits are paced as messages (Telegram documents no separate limit for them).
 */
export class Pacer {
  private readonly sent = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(private readonly limits = { perChatMs: 1_000, perGroupPerMinute: 20, globalPerSecond: 30 }) {}

  /** Told of every send that failed and will be retried (`rateLimited`: a 429), for the desk's metrics. */
  onRetry: ((platform: string, rateLimited: boolean) => void) | null = null;

  wait(chat: string, isGroup: boolean, now: number): number {
    const times = (this.sent.get(chat) ?? []).filter((t) => t > now - 60_000);
    this.sent.set(chat, times);
    while (this.all.length && this.all[0]! <= now - 1_000) this.all.shift();
    let wait = 0;
    const last = times.at(-1);
    if (last !== undefined) wait = Math.max(wait, last + this.limits.perChatMs - now);
    if (isGroup && last !== undefined)
      wait = Math.max(wait, last + 60_000 / this.limits.perGroupPerMinute - now);
    if (isGroup && times.length >= this.limits.perGroupPerMinute) {
      wait = Math.max(wait, times[times.length - this.limits.perGroupPerMinute]! + 60_000 - now);
    }
    if (this.all.length >= this.limits.globalPerSecond) wait = Math.max(wait, this.all[0]! + 1_000 - now);
    return Math.max(0, wait);
  }

  record(chat: string, now: number): void {
    this.sent.set(chat, [...(this.sent.get(chat) ?? []), now]);
    this.all.push(now);
  }

  /** Every send time of a chat in the last minute, for tests and the bench. */
  history(chat: string): number[] {
    return this.sent.get(chat) ?? [];
  }
}

/** Wait `ms`; an abort (a stopping desk) ends the wait early, without an error. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/** Escape user text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Split a text into parts of at most `max` characters, at line breaks where possible. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf("\n", max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest) parts.push(rest);
  return parts;
}
