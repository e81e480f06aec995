/**
 * Outbound pacing for chat platforms: at most one message per second per chat, twenty per minute per group,
 * thirty per second overall (Telegram's published limits). A group's twenty a minute are spread evenly (one every
 * three seconds; `groupBurst` > 1 lets that many go closer after a quiet spell): spent in one burst, they would
 * leave the group silent for the rest of the minute, and what came next (a storm's next count, a drop notice)
 * would wait up to a minute. A credit for quiet spells was tried (3): under a storm it ran into the minute's cap
 * at its end, and the last storm's first message waited 6 s more (BENCHMARKS.md, chat burst). `wait` says how long to hold the next message; reactions
 * and edits are paced as messages (Telegram documents no separate limit for them).
 */
export class Pacer {
  private readonly sent = new Map<string, number[]>();
  private readonly all: number[] = [];
  /** A chat the platform told to wait (429 with retry_after): nothing goes to it before this instant. */
  private readonly blocked = new Map<string, number>();

  /** Per chat: when its next send is due on the even spread (a generic cell rate: the "theoretical arrival"). */
  private readonly due = new Map<string, number>();

  constructor(
    private readonly limits = { perChatMs: 1_000, perGroupPerMinute: 20, globalPerSecond: 30, groupBurst: 1 },
  ) {}

  /** Told of every send that failed and will be retried (`rateLimited`: a 429), for the desk's metrics. */
  onRetry: ((platform: string, rateLimited: boolean) => void) | null = null;

  wait(chat: string, isGroup: boolean, now: number): number {
    const times = (this.sent.get(chat) ?? []).filter((t) => t > now - 60_000);
    this.sent.set(chat, times);
    while (this.all.length && this.all[0]! <= now - 1_000) this.all.shift();
    let wait = Math.max(0, (this.blocked.get(chat) ?? 0) - now);
    const last = times.at(-1);
    if (last !== undefined) wait = Math.max(wait, last + this.limits.perChatMs - now);
    if (isGroup) {
      const spread = 60_000 / this.limits.perGroupPerMinute;
      wait = Math.max(wait, (this.due.get(chat) ?? 0) - (this.limits.groupBurst - 1) * spread - now);
    }
    if (isGroup && times.length >= this.limits.perGroupPerMinute) {
      wait = Math.max(wait, times[times.length - this.limits.perGroupPerMinute]! + 60_000 - now);
    }
    if (this.all.length >= this.limits.globalPerSecond) wait = Math.max(wait, this.all[0]! + 1_000 - now);
    return Math.max(0, wait);
  }

  /** The platform answered 429 for this chat: hold it until `until`, without counting a send. */
  block(chat: string, until: number): void {
    this.blocked.set(chat, Math.max(until, this.blocked.get(chat) ?? 0));
  }

  record(chat: string, now: number): void {
    const spread = 60_000 / this.limits.perGroupPerMinute;
    this.due.set(chat, Math.max(this.due.get(chat) ?? 0, now) + spread);
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
