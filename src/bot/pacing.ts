/**
 * Outbound pacing for chat platforms: at most one message per second per chat, twenty per minute per group,
 * thirty per second overall (Telegram's published limits). A group's twenty a minute are spread evenly (one every
 * three seconds; `groupBurst` > 1 lets that many go closer after a quiet spell): spent in one burst, they would
 * leave the group silent for the rest of the minute, and what came next (a storm's next count, a drop notice)
 * would wait up to a minute. A credit for quiet spells was tried (3): under a storm it ran into the minute's cap
 * at its end, and the last storm's first message waited 6 s more (BENCHMARKS.md, chat burst). `wait` says how long to hold the next message; reactions
 * and edits are paced as messages (Telegram documents no separate limit for them).
 *
 * A slot lost to a refusal (a 429 or a 500 on a call that was on schedule) is not lost for good: the platform
 * counted no message, so the minute has room for one more. It becomes a credit, for 60 s, that lets one urgent
 * call (`urgent`: a desk-critical notice, a storm message's pending update) go before the even spread allows,
 * still never within a second of the chat's last call nor over twenty in any 60 s. At most one credit per run
 * of refusals (the retries of one slot are not more slots).
 */
export class Pacer {
  private readonly sent = new Map<string, number[]>();
  private readonly all: number[] = [];
  /** A chat the platform told to wait (429 with retry_after): nothing goes to it before this instant. */
  private readonly blocked = new Map<string, number>();

  /** Per chat: when its next send is due on the even spread (a generic cell rate: the "theoretical arrival"). */
  private readonly due = new Map<string, number>();

  /** Per chat: slots lost to refusals (their instants), each good for one early urgent call within 60 s. */
  private readonly credits = new Map<string, number[]>();
  /** Per chat: a refusal since the last accepted call already earned its credit. */
  private readonly refusing = new Set<string>();

  constructor(
    private readonly limits = { perChatMs: 1_000, perGroupPerMinute: 20, globalPerSecond: 30, groupBurst: 1 },
  ) {}

  /** Told of every send that failed and will be retried (`rateLimited`: a 429), for the desk's metrics. */
  onRetry: ((platform: string, rateLimited: boolean) => void) | null = null;

  wait(chat: string, isGroup: boolean, now: number, urgent = false): number {
    const times = (this.sent.get(chat) ?? []).filter((t) => t > now - 60_000);
    this.sent.set(chat, times);
    while (this.all.length && this.all[0]! <= now - 1_000) this.all.shift();
    let wait = Math.max(0, (this.blocked.get(chat) ?? 0) - now);
    const last = times.at(-1);
    if (last !== undefined) wait = Math.max(wait, last + this.limits.perChatMs - now);
    if (isGroup && !(urgent && this.credit(chat, now) > 0)) {
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

  /**
   * The platform refused a call to this chat (429 or 500) that will be retried. When the call was on the even
   * spread, its slot is lost: one credit (see the class comment), whatever the number of retries.
   */
  refused(chat: string, now: number): void {
    if (this.refusing.has(chat)) return;
    this.refusing.add(chat);
    if (now < (this.due.get(chat) ?? 0)) return; // an early (credited) call: its credit is still unspent
    this.credits.set(chat, [...(this.credits.get(chat) ?? []).filter((t) => t > now - 60_000), now]);
  }

  /** Credits of a chat still good at `now`. */
  credit(chat: string, now: number): number {
    return (this.credits.get(chat) ?? []).filter((t) => t > now - 60_000).length;
  }

  record(chat: string, now: number): void {
    const spread = 60_000 / this.limits.perGroupPerMinute;
    this.refusing.delete(chat);
    const due = this.due.get(chat) ?? 0;
    const early = now < due - (this.limits.groupBurst - 1) * spread;
    const credits = (this.credits.get(chat) ?? []).filter((t) => t > now - 60_000);
    if (early && credits.length) {
      // Spent a credit: the even spread goes on from where it was.
      this.credits.set(chat, credits.slice(1));
    } else this.due.set(chat, Math.max(due, now) + spread);
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

/**
 * The text with every lone UTF-16 surrogate replaced by «�». A name or a report cut at a fixed length can end in
 * half an emoji; the platforms refuse such a text (it has no UTF-8 form), and with it every notice merged into it.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * Split a text into parts of at most `max` characters, at line breaks where possible, never inside an emoji (a
 * surrogate pair); every part is well formed.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = wellFormed(text);
  while (rest.length > max) {
    let cut = rest.lastIndexOf("\n", max);
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest) parts.push(rest);
  return parts;
}

/**
 * A text as Telegram's HTML parse mode takes it: escaped, in parts of at most `max` characters. Split before
 * escaping, so that no part ends inside «&lt;»; a part that escaping made too long (a text of «<») is split finer.
 */
export function htmlParts(text: string, max: number): string[] {
  return splitText(text, max).flatMap((part) => {
    const escaped = telegramHtml(part);
    return escaped.length <= max ? [escaped] : splitText(part, Math.floor(max / 5)).map(telegramHtml);
  });
}

/**
 * Escaped for Telegram's HTML parse mode, with a `command` on one line set as code: the group's notices name CLI
 * commands that way («lệnh `npm run cli -- mail quarantine`»), and Telegram showed the backticks as typed. The
 * text inside is escaped first, so a span can only format, never open a tag.
 */
function telegramHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, "<code>$1</code>");
}
