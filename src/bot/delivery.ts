import { dutyRoleOf } from "../core/duty/roster.js";
import { DEFAULT_RETRY, nextAttemptAt } from "../core/jobs/backoff.js";
import type { Platform } from "../store/incident-repo.js";
import type { OutboxMessage } from "../store/queue-repos.js";
import type { Repos, Store } from "../store/store.js";
import type { ChatButton } from "./conversation.js";
import { type Pacer, sleep, splitText } from "./pacing.js";

/** A chat platform as the delivery sees it. */
export interface ChatTransport {
  platform: Platform;
  /** The support group "Hỗ trợ kỹ thuật họp trực tuyến Thành phố" on this platform. */
  groupChatId: string;
  maxLength: number;
  /** Zalo has no buttons: actions are spelled out as commands instead. */
  supportsButtons: boolean;
  /**
   * Whether a group notice may reply to the report it concerns (Telegram). Answers to a person's message carry
   * `replyTo` everywhere; a notice that would reply is sent alone rather than merged, which only pays where the
   * reply shows.
   */
  supportsReplies?: boolean;
  /**
   * Resolves to the id (a string) of the last message sent, where the platform tells it: storm edits use it.
   * `replyTo`: the person's message this one answers (Telegram shows it as a reply; Zalo's Bot API has no reply,
   * and sends it as a message of its own).
   */
  send(chatId: string, text: string, buttons?: ChatButton[][], opts?: { replyTo?: string }): Promise<unknown>;
  /** A reaction on a message (Telegram's setMessageReaction); absent where the platform has none (Zalo). */
  react?(chatId: string, messageId: string, emoji: string): Promise<void>;
  /**
   * Replace a sent message's text (Telegram's editMessageText), keeping its buttons; absent where the platform
   * cannot (Zalo).
   */
  edit?(chatId: string, messageId: string, text: string, buttons?: ChatButton[][]): Promise<void>;
}

/** The platform refused a reaction for good (reactions off in the chat, message gone): say it in words instead. */
export class ReactionRefusedError extends Error {}

export interface ChatDeliveryOptions {
  /**
   * A new incident's desk notice waits this long before it goes to the group: if its report joins a storm
   * meanwhile, the storm message says it instead.
   */
  noticeHoldMs: number;
  /** A reaction that cannot go within this long (its chat's reaction pace is taken) becomes a merged reply. */
  reactionGraceMs: number;
  /** The storm message is edited at most this often (per platform). */
  stormEditMs: number;
  /** Where the storm message cannot be edited (Zalo), a new one goes at most this often. */
  stormRepeatMs: number;
  /** The zone of the duty roster's weekdays and hours. */
  zone?: string;
}

export const DEFAULT_DELIVERY: ChatDeliveryOptions = {
  noticeHoldMs: 2_000,
  reactionGraceMs: 1_000,
  stormEditMs: 3_000,
  stormRepeatMs: 120_000,
};

/**
 * Kinds that go ahead of everything else in a chat: the MCU monitor's drop → incident notice must not wait
 * behind a backlog of acknowledgements.
 */
export const DESK_CRITICAL_KINDS: readonly string[] = ["mcu-incident"];

const priority = (m: OutboxMessage) => (DESK_CRITICAL_KINDS.includes(m.kind) ? 0 : 1);

/** The platform answered 429: wait this long before anything else goes to it. */
export class RetryAfterError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

/** A server error (5xx): the call did not happen and may be tried again at once. */
function serverError(err: unknown): boolean {
  const code =
    (err as { code?: unknown; status?: unknown } | null)?.code ?? (err as { status?: unknown })?.status;
  return typeof code === "number" && code >= 500 && code < 600;
}

/**
 * An urgent call (a storm update, a desk-critical notice) that the platform failed with a 5xx is tried again
 * twice within the round, after 250 and 500 ms, rather than a round later: nothing was sent, so no limit is
 * spent, and the slot is kept. A 429 or anything else goes to the caller (retry when told, or back off).
 */
async function quickRetry<T>(call: () => Promise<T>, wait: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 2 || !serverError(err)) throw err;
      await wait(250 * (attempt + 1));
    }
  }
}

/** The roster's weekdays and hours are Hanoi's. */
const DUTY_ZONE = "Asia/Ho_Chi_Minh";

const ROLE_TAG: Record<string, string> = {
  "mcu-technician": "[Kỹ thuật MCU]",
  "wan-duty": "[Trực ban WAN]",
  admin: "[Quản trị]",
};

/**
 * What the group reads of a notice to a person on duty whom the bot cannot reach privately on its platform: the
 * same words for every such notice, whatever its incident or session (Điều 5.2). The full notice is theirs on the
 * web desk's incident page or in a private chat with the bot, where every later notice then goes.
 */
export function dutyFallbackText(name: string): string {
  return `@${name}: có thông báo về sự cố cần người trực xử lý. Nội dung chỉ gửi riêng: đề nghị nhắn riêng /suco cho bot (từ đó thông báo sẽ gửi thẳng vào tin nhắn riêng) hoặc xem trang Sự cố trên bàn kỹ thuật.`;
}

/** Telegram allows 100 buttons in a keyboard; three a row. */
const MAX_BUTTON_ROWS = 30;

export interface ChatDeliveryReport {
  sent: number;
  messages: number;
  failed: number;
  reactions: number;
  stormUpdates: number;
}

/** One send to one chat, in the order the delivery round runs them. */
interface Item {
  /** `platform:chatId`: the pacer's key. */
  chat: string;
  isGroup: boolean;
  /** Desk-critical first (0), then everything else (1). */
  priority: number;
  /** The oldest outbox row the send settles: first come, first served among kinds. */
  seq: number;
  /** Not before this instant (a storm message's edit interval), even when the chat's pace would allow it. */
  notBefore?: number;
  /** May spend a slot lost to a refusal (the pacer's credit): desk-critical notices and storm updates. */
  urgent?: boolean;
  /**
   * When the oldest report this send acknowledges arrived (a storm update): it spends a credit only when the even
   * spread would otherwise keep that report waiting longer than the aim (ACK_AIM_MS).
   */
  since?: number;
  /** Sends; true when done, false when it failed (the rest of its chat waits for the retry). */
  run: () => Promise<boolean>;
}

/**
 * Deliver chat messages. Group posts and desk notices first fan out into one row per platform (in the same
 * transaction that marks the original done), so a failure on one platform never resends on the other. Then,
 * per chat, everything due is merged into as few messages as the length and button limits allow: under a
 * burst the group gets one message listing many new incidents, nothing is dropped, and the pacer keeps every
 * chat under the platform's limits. Reactions, storm edits and messages share each chat's pace (Telegram
 * documents limits for messages only, so the other two are counted like messages). Within a chat, desk-critical
 * rows go first, then first come, first served: a storm update and a merged reply take turns by their oldest row.
 */
export async function deliverChat(
  store: Store,
  transports: ChatTransport[],
  pacer: Pacer,
  now: () => Date,
  wait: (ms: number) => Promise<void> = sleep,
  opts: ChatDeliveryOptions = DEFAULT_DELIVERY,
): Promise<ChatDeliveryReport> {
  const report: ChatDeliveryReport = { sent: 0, messages: 0, failed: 0, reactions: 0, stormUpdates: 0 };
  if (transports.length === 0) return report;
  await store.tx(async (r) => {
    for (const m of await r.outbox.due(now(), 1000, ["group", "desk"])) {
      const state = await noticeState(r, m, now(), opts);
      if (state === "hold") continue;
      if (state === "superseded") {
        await r.outbox.markSent(m.id, now());
        continue;
      }
      const tags = [m.recipient, ...((m.payload.tags as string[] | undefined) ?? [])];
      const tag = m.channel === "desk" ? `${tags.map((x) => ROLE_TAG[x] ?? `[${x}]`).join(" ")} ` : "";
      // A notice to a duty role goes to the person on duty in their private chat with the bot; where they have
      // none on a platform, to the group, naming them. A public notice (an escalation) stays in the group.
      const duty = m.channel === "desk" && !m.payload.public ? dutyRoleOf(m.recipient) : null;
      const contact = duty ? await r.duty.contact(duty, now(), opts.zone ?? DUTY_ZONE) : null;
      const groupText = m.payload.groupText as string | undefined;
      for (const t of transports) {
        const direct = contact?.private[t.platform];
        // In the group, a notice about an incident reads its `groupText`: the same words for every incident,
        // whatever its place or session (Điều 5.2), since its full text names a secret session («phiên mật
        // HTT-…») where an open one's names the place, and right after a report's words in the group that shape
        // would tell which. The person on duty, when there is one, is named; the buttons stay (the code ties a
        // report to no more than other neutral posts). A notice without one, fallen back from a person on duty,
        // says only that one is waiting.
        const inGroup = !direct;
        const fallback = contact && inGroup && !groupText;
        const buttons = fallback ? undefined : (m.payload.buttons as ChatButton[][] | undefined);
        // A notice that concerns a report in this group replies to it (Telegram; Zalo's Bot API has no reply).
        const at = m.payload.replyIn as
          | { platform?: string; chatId?: string; messageId?: string }
          | undefined;
        const replyTo =
          inGroup &&
          t.supportsReplies &&
          at?.platform === t.platform &&
          at.chatId === t.groupChatId &&
          typeof at.messageId === "string"
            ? { replyTo: at.messageId }
            : {};
        const text =
          m.channel === "desk" && inGroup && groupText
            ? `${tag}${contact ? `@${contact.name}: ` : ""}${groupText}`
            : fallback
              ? `${tag}${dutyFallbackText(contact.name)}`
              : `${tag}${String(m.payload.text ?? "")}`;
        await r.outbox.enqueue(
          {
            channel: "chat",
            recipient: `${t.platform}:${direct ?? t.groupChatId}`,
            kind: m.kind,
            booking: m.booking,
            payload: {
              text,
              ...(buttons ? { buttons } : {}),
              ...(m.payload.incident ? { incident: m.payload.incident } : {}),
              ...replyTo,
            },
          },
          now(),
        );
      }
      await r.outbox.markSent(m.id, now());
    }
  });
  await deliverReactions(store, transports, pacer, now, opts, report);
  const stopped = new Set<string>();
  const known = await store.read(async (r) => new Set((await r.outbox.due(now(), 5000)).map((m) => m.id)));
  // Planned again after every wait: what arrived meanwhile (a new storm's first message) takes its turn by
  // urgency rather than behind the send the round was waiting for.
  // The pacing clock never runs behind the waits already served: a desk clock that does not move (a test's fixed
  // instant) or moves slower than the sleeps would otherwise hold every next send of a chat for ever.
  let served = 0;
  plan: for (let pass = 0; pass < 200; pass++) {
    const items = [
      ...(await stormItems(store, transports, pacer, now, opts, report, wait)),
      ...(await chatItems(store, transports, pacer, now, opts, report, wait)),
    ]
      .filter((i) => !stopped.has(i.chat))
      .sort(byUrgency(now().getTime()));
    for (const item of items) {
      if (stopped.has(item.chat)) continue;
      const at = Math.max(now().getTime(), served);
      const paced = pacer.wait(item.chat, item.isGroup, at);
      // A credit goes to a desk-critical notice, or to a storm update that would otherwise keep a report past the
      // aim. (Keeping the last credit for a drop notice to come was tried: the p95 rose at 600 and 3,000 reports.)
      const late = item.priority === 0 || (item.since !== undefined && at + paced - item.since > ACK_AIM_MS);
      const spend = item.urgent && late && paced > 0 && pacer.credit(item.chat, at) > 0;
      const hold = Math.max(
        spend ? pacer.wait(item.chat, item.isGroup, at, true) : paced,
        (item.notBefore ?? 0) - at,
      );
      if (hold > 0) {
        // A desk-critical notice queued since this round began goes ahead of the rest of the round's backlog.
        const critical = await store.read(async (r) =>
          (await r.outbox.due(now(), 5000, ["group", "desk", "chat"])).some(
            (m) => !known.has(m.id) && DESK_CRITICAL_KINDS.includes(m.kind),
          ),
        );
        if (critical) break plan;
        await wait(hold);
        served = at + hold;
        continue plan;
      }
      if (!(await item.run())) stopped.add(item.chat);
    }
    break;
  }
  return report;
}

/** The aim for a report's acknowledgement under a storm (issue 13: p95 ≤ 5 s). */
export const ACK_AIM_MS = 5_000;

/**
 * The order of a round: desk-critical first; then anything that has waited past twice the aim (nothing
 * starves behind a storm); then first come, first served. (Putting the send that acknowledges the most
 * at-risk reports first was tried: the old storm's last joiners then starved and the p95 rose, BENCHMARKS.md.)
 */
function byUrgency(now: number) {
  const overdue = (i: Item) => (i.since !== undefined && now - i.since > 2 * ACK_AIM_MS ? 0 : 1);
  return (a: Item, b: Item) => a.priority - b.priority || overdue(a) - overdue(b) || a.seq - b.seq;
}

/**
 * A new incident's notice waits `noticeHoldMs` while its report may still turn out to be part of a storm; a
 * notice about a report that joined a storm is superseded (the storm message counts it).
 */
async function noticeState(
  r: Repos,
  m: OutboxMessage,
  now: Date,
  opts: ChatDeliveryOptions,
): Promise<"go" | "hold" | "superseded"> {
  const code = m.kind === "incident-notice" ? (m.payload.incident as string | undefined) : undefined;
  if (!code) return "go";
  const inc = await r.incidents.get(code);
  if (!inc) return "go";
  if (inc.major) return "superseded";
  const fresh = now.getTime() - inc.openedAt.getTime() < opts.noticeHoldMs;
  return fresh && inc.status === "open" && inc.endpoint && inc.reporter !== "storm" ? "hold" : "go";
}

/** The group messages and replies due, merged per chat, as items of the round. */
async function chatItems(
  store: Store,
  transports: ChatTransport[],
  pacer: Pacer,
  now: () => Date,
  opts: ChatDeliveryOptions,
  report: ChatDeliveryReport,
  wait: (ms: number) => Promise<void>,
): Promise<Item[]> {
  const due = await store.tx(async (r) => {
    const out: OutboxMessage[] = [];
    for (const m of await r.outbox.due(now(), 2000, ["chat"])) {
      // Fanned out before its report joined a storm: the storm message says it now.
      if ((await noticeState(r, m, now(), opts)) === "superseded") await r.outbox.markSent(m.id, now());
      else out.push(m);
    }
    return out;
  });
  // Desk-critical rows first, in their chat and among chats; otherwise oldest first.
  due.sort((a, b) => priority(a) - priority(b) || a.id - b.id);
  const byChat = new Map<string, OutboxMessage[]>();
  for (const m of due) byChat.set(m.recipient, [...(byChat.get(m.recipient) ?? []), m]);
  const items: Item[] = [];
  for (const [recipient, msgs] of byChat) {
    const [platform, chatId] = [
      recipient.slice(0, recipient.indexOf(":")),
      recipient.slice(recipient.indexOf(":") + 1),
    ];
    const t = transports.find((x) => x.platform === platform);
    if (!t) continue;
    const batches = merge(msgs, t);
    // The parts of a message too long for one go ahead of its last part (which carries its row): same turn.
    let turn = { priority: 1, seq: Number.MAX_SAFE_INTEGER };
    const turns = batches
      .map((b) => b)
      .reverse()
      .map((b) => {
        const rows = msgs.filter((m) => b.ids.includes(m.id));
        if (rows.length) turn = { priority: Math.min(...rows.map(priority)), seq: rows[0]!.id };
        return turn;
      })
      .reverse();
    // The parts of a message too long for one go out as one item, in order: planned as separate items, a re-plan
    // after the wait between them would send the first part again (it carries no row to mark sent).
    const groups: { i: number; parts: typeof batches }[] = [];
    let pending: typeof batches = [];
    for (const [i, batch] of batches.entries()) {
      pending.push(batch);
      if (batch.ids.length || i === batches.length - 1) {
        groups.push({ i, parts: pending });
        pending = [];
      }
    }
    const isGroup = chatId === t.groupChatId;
    for (const { i, parts } of groups) {
      const batch = parts.at(-1)!;
      const rows = msgs.filter((m) => batch.ids.includes(m.id));
      items.push({
        chat: recipient,
        isGroup,
        ...turns[i]!,
        urgent: turns[i]!.priority === 0,
        run: async () => {
          try {
            for (const [k, part] of parts.entries()) {
              if (k > 0) {
                const hold = pacer.wait(recipient, isGroup, now().getTime());
                if (hold > 0) await wait(hold);
              }
              // The first part of an answer replies to the person's message; the rest follow it.
              const replyTo = k === 0 ? part.replyTo : undefined;
              const send = () =>
                t.send(
                  chatId,
                  part.text,
                  part.buttons.length ? part.buttons : undefined,
                  replyTo ? { replyTo } : undefined,
                );
              await (turns[i]!.priority === 0 ? quickRetry(send, wait) : send());
              pacer.record(recipient, now().getTime());
              const of = part.partOf;
              if (of) await store.tx((r) => r.outbox.markPartsSent(of.row.id, of.row.payload, of.sent));
            }
            await store.tx(async (r) => {
              for (const id of batch.ids) await r.outbox.markSent(id, now());
            });
            report.sent += batch.ids.length;
            report.messages++;
            return true;
          } catch (err) {
            const retryAfter = err instanceof RetryAfterError ? err.retryAfterMs : null;
            pacer.onRetry?.(t.platform, retryAfter !== null);
            pacer.refused(recipient, now().getTime());
            if (retryAfter !== null) pacer.block(recipient, now().getTime() + retryAfter);
            const attempts = Math.max(0, ...rows.map((m) => m.attempts));
            // A 429 is not a failure of the message: retry when told, never park for it.
            const retryAt =
              retryAfter !== null
                ? new Date(now().getTime() + retryAfter)
                : nextAttemptAt(now(), attempts + 1, {
                    ...DEFAULT_RETRY,
                    baseMs: 1_000,
                    // Desk-critical: again in a second (the pace still spaces the calls), until it parks.
                    ...(turns[i]!.priority === 0 ? { capMs: 1_000 } : {}),
                  });
            await store.tx(async (r) => {
              for (const id of batch.ids) await r.outbox.fail(id, (err as Error).message, retryAt);
            });
            report.failed += batch.ids.length;
            return false; // keep this chat's order: the rest waits for the retry
          }
        },
      });
    }
  }
  return items;
}

/** The line that acknowledges reports merged per window, when their reactions could not go in time. */
export const ACK_DIGEST_PREFIX = "Đã tiếp nhận phản ánh:";

/**
 * One message to send: the rows it carries (marked sent once it is), or, for a part of a row too long for one
 * message that is not its last, the row and how many of its parts are sent once this one is.
 */
interface Planned {
  ids: number[];
  text: string;
  buttons: ChatButton[][];
  partOf?: { row: OutboxMessage; sent: number };
  /** The person's message this one answers (its first part does). */
  replyTo?: string;
}

/**
 * An answer to a person's message (a report's acknowledgement in words, a command's answer): sent as a message of
 * its own, never merged with the group's notices (a report's «Đã tiếp nhận» read glued under «[HTT-…] ĐÃ HỦY»).
 */
const isAnswer = (m: OutboxMessage) => m.kind === "chat-reply";

function merge(msgs: OutboxMessage[], t: ChatTransport): Planned[] {
  const out: Planned[] = [];
  type Batch = { ids: number[]; text: string; buttons: ChatButton[][]; digest?: boolean; replyTo?: string };
  let cur = null as Batch | null;
  for (const m of msgs) {
    if (m.kind === "ack-digest") {
      // Acknowledgements merge into one line of short references: many reports per message, and nothing else. One
      // report's alone replies to it.
      const item = String(m.payload.short ?? m.payload.text ?? "");
      if (cur?.digest && cur.text.length + 2 + item.length <= t.maxLength) {
        cur = { ids: [...cur.ids, m.id], text: `${cur.text}, ${item}`, buttons: cur.buttons, digest: true };
        continue;
      }
      const line = `${ACK_DIGEST_PREFIX} ${item}`;
      if (cur?.digest && cur.text.length + 1 + line.length <= t.maxLength) {
        cur = { ids: [...cur.ids, m.id], text: `${cur.text}\n${line}`, buttons: cur.buttons, digest: true };
      } else {
        if (cur) out.push(cur);
        const replyTo = typeof m.payload.replyTo === "string" ? { replyTo: m.payload.replyTo } : {};
        cur = { ids: [m.id], text: line, buttons: [], digest: true, ...replyTo };
      }
      continue;
    }
    if (cur?.digest) {
      out.push(cur);
      cur = null;
    }
    let text = String(m.payload.text ?? "");
    const buttons = t.supportsButtons ? ((m.payload.buttons as ChatButton[][] | undefined) ?? []) : [];
    if (!t.supportsButtons && m.payload.buttons) {
      const code = m.payload.incident as string | undefined;
      // The transfer its buttons offer: to the other route (a WAN notice read «/chuyen … wan» on Zalo too).
      const to =
        (m.payload.buttons as ChatButton[][])
          .flat()
          .find((b) => b.data.startsWith("chuyen:"))
          ?.data.split(":")[2] === "mcu"
          ? "mcu"
          : "wan";
      if (code)
        text += `\n(Gõ /nhan ${code} để nhận, /chuyen ${code} ${to} để chuyển ${to.toUpperCase()}, /xong ${code} khi đã khắc phục.)`;
    }
    const replyTo = typeof m.payload.replyTo === "string" ? m.payload.replyTo : undefined;
    if (text.length > t.maxLength || isAnswer(m) || replyTo) {
      // An answer, a notice that replies to a report, or a message too long for one on its own: its parts go
      // alone, in order; the first part of an answer replies to the person's message.
      if (cur) out.push(cur);
      cur = null;
      const parts = splitText(text, t.maxLength);
      // Parts sent before a stop or a kill are not sent again.
      const sent = Math.min(Number(m.payload.partsSent ?? 0) || 0, parts.length - 1);
      for (const [i, p] of parts.entries()) {
        if (i < sent) continue;
        const last = i === parts.length - 1;
        const reply = i === 0 && replyTo ? { replyTo } : {};
        out.push(
          last
            ? { ids: [m.id], text: p, buttons, ...reply }
            : { ids: [], text: p, buttons: [], partOf: { row: m, sent: i + 1 }, ...reply },
        );
      }
      continue;
    }
    if (
      cur &&
      cur.text.length + 1 + text.length <= t.maxLength &&
      cur.buttons.length + buttons.length <= MAX_BUTTON_ROWS
    ) {
      cur = {
        ids: [...cur.ids, m.id],
        text: `${cur.text}\n${text}`,
        buttons: [...cur.buttons, ...buttons],
      };
    } else {
      if (cur) out.push(cur);
      cur = { ids: [m.id], text, buttons };
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** The chat row that says in words what a reaction would have said. */
function inWords(m: OutboxMessage, digest: boolean) {
  const replyTo = m.payload.messageId ? { replyTo: String(m.payload.messageId) } : {};
  return {
    channel: "chat" as const,
    recipient: m.recipient,
    kind: digest ? "ack-digest" : "chat-reply",
    payload: {
      text: String(m.payload.text ?? ""),
      short: String(m.payload.short ?? m.payload.text ?? ""),
      ...replyTo,
    },
  };
}

/**
 * Reactions acknowledge a report outside storms on the report itself. Telegram documents no limit for
 * setMessageReaction, so a reaction counts like a message to its chat (the group's one every three seconds,
 * twenty a minute; thirty a second overall); it never waits here. A reaction that cannot go within the grace
 * becomes a merged reply (one line acknowledging many reports); a platform without reactions (Zalo), or a chat
 * that refuses them, gets the reply in words at once. A report that joined a storm after its reaction was queued
 * is acknowledged by the storm message instead.
 */
/** Chats that refused a reaction, per transport (for the life of the process). */
const refusedChats = new WeakMap<ChatTransport, Set<string>>();

async function deliverReactions(
  store: Store,
  transports: ChatTransport[],
  pacer: Pacer,
  now: () => Date,
  opts: ChatDeliveryOptions,
  report: ChatDeliveryReport,
): Promise<void> {
  const due = await store.read((r) => r.outbox.due(now(), 5000, ["reaction"]));
  for (const m of due) {
    const sep = m.recipient.indexOf(":");
    const [platform, chatId] = [m.recipient.slice(0, sep), m.recipient.slice(sep + 1)];
    const t = transports.find((x) => x.platform === platform);
    if (!t) continue;
    const code = m.payload.incident as string | undefined;
    const inc = code ? await store.read((r) => r.incidents.get(code)) : null;
    if (inc?.major) {
      await store.tx((r) => r.outbox.markSent(m.id, now()));
      continue;
    }
    const key = m.recipient;
    const isGroup = chatId === t.groupChatId;
    if (refusedChats.get(t)?.has(chatId)) {
      // This chat refused a reaction before (reactions off, or a server without them): words at once.
      await store.tx(async (r) => {
        await r.outbox.enqueue(inWords(m, false), now());
        await r.outbox.markSent(m.id, now());
      });
      continue;
    }
    const late = now().getTime() - m.createdAt.getTime() >= opts.reactionGraceMs;
    // Late behind its chat's pace: one short line in a merged reply. No reactions on the platform, or late after
    // failed attempts: the acknowledgement in words.
    const paced = late && pacer.wait(key, isGroup, now().getTime()) > 0;
    if (!t.react || paced || (late && m.attempts > 0)) {
      await store.tx(async (r) => {
        await r.outbox.enqueue(inWords(m, paced && Boolean(t.react)), now());
        await r.outbox.markSent(m.id, now());
      });
      continue;
    }
    if (pacer.wait(key, isGroup, now().getTime()) > 0) continue; // within the grace: the next round may react
    try {
      await t.react(chatId, String(m.payload.messageId), String(m.payload.emoji ?? "👌"));
      pacer.record(key, now().getTime());
      await store.tx((r) => r.outbox.markSent(m.id, now()));
      report.reactions++;
      report.sent++;
    } catch (err) {
      // A reaction is best effort: refused or failed (not rate limited), it is said in words at once.
      if (!(err instanceof RetryAfterError)) {
        if (err instanceof ReactionRefusedError)
          refusedChats.set(t, (refusedChats.get(t) ?? new Set()).add(chatId));
        await store.tx(async (r) => {
          await r.outbox.enqueue(inWords(m, false), now());
          await r.outbox.markSent(m.id, now());
        });
        continue;
      }
      const retryAfter = err.retryAfterMs;
      pacer.onRetry?.(t.platform, true);
      pacer.refused(key, now().getTime());
      await store.tx((r) => r.outbox.fail(m.id, err.message, new Date(now().getTime() + retryAfter)));
      report.failed++;
      pacer.block(key, now().getTime() + retryAfter);
    }
  }
}

interface StormPost {
  messageId: string | null;
  at: number;
  text: string;
}

const queuedAt = (m: OutboxMessage) => (m.payload.queuedAt as number | undefined) ?? m.createdAt.getTime();

const stormKey = (platform: string, code: string) => `storm-post:${platform}:${code}`;

/**
 * The one group message of each major incident: sent once, then edited in place with the latest count (at most
 * every `stormEditMs`); where editing is impossible (Zalo), a new message at most every `stormRepeatMs`. The
 * major incident's rows (recipient: its code) first fan out into one row per platform (`platform:code`). Only
 * the latest text matters; every row of the storm is settled when a message showing the latest text is
 * delivered (or is already shown), so a row's sent time is when the reports it lists were acknowledged.
 */
/** The storm rows due, each major incident's rows fanned out into one row per platform first. */
async function dueStormRows(store: Store, transports: ChatTransport[], now: () => Date) {
  const due = await store.read((r) => r.outbox.due(now(), 5000, ["storm"]));
  if (!due.some((m) => !m.recipient.includes(":"))) return due;
  await store.tx(async (r) => {
    for (const m of due.filter((x) => !x.recipient.includes(":"))) {
      for (const t of transports)
        await r.outbox.enqueue(
          {
            channel: "storm",
            recipient: `${t.platform}:${m.recipient}`,
            kind: m.kind,
            booking: m.booking,
            // `source`: the major incident's row, whose reports this platform's row acknowledges.
            // `queuedAt`: when the reports it lists arrived (this row is younger: fanned out at delivery).
            payload: { ...m.payload, source: m.id, queuedAt: m.createdAt.getTime() },
          },
          now(),
        );
      await r.outbox.markSent(m.id, now());
    }
  });
  return store.read((r) => r.outbox.due(now(), 5000, ["storm"]));
}

async function stormItems(
  store: Store,
  transports: ChatTransport[],
  pacer: Pacer,
  now: () => Date,
  opts: ChatDeliveryOptions,
  report: ChatDeliveryReport,
  wait: (ms: number) => Promise<void>,
): Promise<Item[]> {
  const due = await dueStormRows(store, transports, now);
  const byPost = new Map<string, OutboxMessage[]>();
  for (const m of due) byPost.set(m.recipient, [...(byPost.get(m.recipient) ?? []), m]);
  const items: Item[] = [];
  for (const [recipient, rows] of byPost) {
    const sep = recipient.indexOf(":");
    const [platform, code] = [recipient.slice(0, sep), recipient.slice(sep + 1)];
    const t = transports.find((x) => x.platform === platform);
    if (!t) continue;
    const raw = await store.read((r) => r.meta.get(stormKey(platform, code)));
    const post = raw ? (JSON.parse(raw) as StormPost) : null;
    const settle = (settled: OutboxMessage[]) =>
      store.tx(async (r) => {
        for (const m of settled) await r.outbox.markSent(m.id, now());
      });
    if (post?.text === String(rows.at(-1)!.payload.text ?? "")) {
      await settle(rows);
      continue;
    }
    const editable = Boolean(t.edit && post?.messageId);
    const every = editable ? opts.stormEditMs : opts.stormRepeatMs;
    // Due within the next interval: it takes its turn now (by its oldest row) and waits for its instant, so a
    // younger storm's first message does not overtake the last count of an older one.
    const notBefore = post ? post.at + every : 0;
    if (notBefore > now().getTime() + opts.stormEditMs) continue;
    const group = `${platform}:${t.groupChatId}`;
    items.push({
      chat: group,
      isGroup: true,
      priority: 1,
      seq: rows[0]!.id,
      notBefore,
      urgent: true,
      since: queuedAt(rows[0]!),
      run: async () => {
        // The pace may have held this update: what arrived meanwhile goes in it too.
        const latest = (await dueStormRows(store, transports, now)).filter((m) => m.recipient === recipient);
        const sending = latest.length ? latest : rows;
        const last = sending.at(-1)!;
        const text = String(last.payload.text ?? "");
        const buttons = t.supportsButtons ? (last.payload.buttons as ChatButton[][] | undefined) : undefined;
        try {
          let messageId = post?.messageId ?? null;
          if (editable && t.edit) {
            const edit = t.edit.bind(t);
            await quickRetry(() => edit(t.groupChatId, messageId!, text, buttons), wait);
          } else {
            const id = await quickRetry(() => t.send(t.groupChatId, text, buttons), wait);
            messageId = typeof id === "string" ? id : null;
          }
          pacer.record(group, now().getTime());
          report.stormUpdates++;
          const next: StormPost = { messageId, at: now().getTime(), text };
          await store.tx((r) => r.meta.set(stormKey(platform, code), JSON.stringify(next)));
          await settle(sending);
          return true;
        } catch (err) {
          report.failed++;
          const retryAfter = err instanceof RetryAfterError ? err.retryAfterMs : null;
          pacer.onRetry?.(t.platform, retryAfter !== null);
          pacer.refused(group, now().getTime());
          if (retryAfter !== null) pacer.block(group, now().getTime() + retryAfter);
          const retryAt =
            retryAfter !== null
              ? new Date(now().getTime() + retryAfter)
              : // One coalesced message: again in a second (the group's pace spaces the calls), until it parks.
                // Never parked: it is the only acknowledgement of the reports it counts (a second apart, paced).
                (nextAttemptAt(now(), last.attempts + 1, { ...DEFAULT_RETRY, baseMs: 1_000, capMs: 1_000 }) ??
                new Date(now().getTime() + 1_000));
          await store.tx(async (r) => {
            for (const m of sending) await r.outbox.fail(m.id, (err as Error).message, retryAt);
          });
          return false;
        }
      },
    });
  }
  return items;
}
