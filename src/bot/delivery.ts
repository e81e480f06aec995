import { DEFAULT_RETRY, nextAttemptAt } from "../core/jobs/backoff.js";
import type { Platform } from "../store/incident-repo.js";
import type { OutboxMessage } from "../store/queue-repos.js";
import type { Store } from "../store/store.js";
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
  send(chatId: string, text: string, buttons?: ChatButton[][]): Promise<void>;
}

/** The platform answered 429: wait this long before anything else goes to it. */
export class RetryAfterError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

const ROLE_TAG: Record<string, string> = {
  "mcu-technician": "[Kỹ thuật MCU]",
  "wan-duty": "[Trực ban WAN]",
  admin: "[Quản trị]",
};

/** Telegram allows 100 buttons in a keyboard; three a row. */
const MAX_BUTTON_ROWS = 30;

export interface ChatDeliveryReport {
  sent: number;
  messages: number;
  failed: number;
}

/**
 * Deliver chat messages. Group posts and desk notices first fan out into one row per platform (in the same
 * transaction that marks the original done), so a failure on one platform never resends on the other. Then,
 * per chat, everything due is merged into as few messages as the length and button limits allow: under a
 * burst the group gets one message listing many new incidents, nothing is dropped, and the pacer keeps every
 * chat under the platform's limits.
 */
export async function deliverChat(
  store: Store,
  transports: ChatTransport[],
  pacer: Pacer,
  now: () => Date,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<ChatDeliveryReport> {
  const report: ChatDeliveryReport = { sent: 0, messages: 0, failed: 0 };
  if (transports.length === 0) return report;
  await store.tx(async (r) => {
    for (const m of await r.outbox.due(now(), 1000, ["group", "desk"])) {
      const tag = m.channel === "desk" ? `${ROLE_TAG[m.recipient] ?? `[${m.recipient}]`} ` : "";
      for (const t of transports) {
        const buttons = m.payload.buttons as ChatButton[][] | undefined;
        await r.outbox.enqueue(
          {
            channel: "chat",
            recipient: `${t.platform}:${t.groupChatId}`,
            kind: m.kind,
            booking: m.booking,
            payload: {
              text: `${tag}${String(m.payload.text ?? "")}`,
              ...(buttons ? { buttons } : {}),
              ...(m.payload.incident ? { incident: m.payload.incident } : {}),
            },
          },
          now(),
        );
      }
      await r.outbox.markSent(m.id, now());
    }
  });
  const due = await store.read((r) => r.outbox.due(now(), 2000, ["chat"]));
  const byChat = new Map<string, OutboxMessage[]>();
  for (const m of due) byChat.set(m.recipient, [...(byChat.get(m.recipient) ?? []), m]);
  for (const [recipient, msgs] of byChat) {
    const [platform, chatId] = [
      recipient.slice(0, recipient.indexOf(":")),
      recipient.slice(recipient.indexOf(":") + 1),
    ];
    const t = transports.find((x) => x.platform === platform);
    if (!t) continue;
    for (const batch of merge(msgs, t)) {
      const hold = pacer.wait(recipient, chatId === t.groupChatId, now().getTime());
      if (hold > 0) await wait(hold);
      try {
        await t.send(chatId, batch.text, batch.buttons.length ? batch.buttons : undefined);
        pacer.record(recipient, now().getTime());
        await store.tx(async (r) => {
          for (const id of batch.ids) await r.outbox.markSent(id, now());
        });
        report.sent += batch.ids.length;
        report.messages++;
      } catch (err) {
        const retryAfter = err instanceof RetryAfterError ? err.retryAfterMs : null;
        pacer.onRetry?.(t.platform, retryAfter !== null);
        const attempts = Math.max(...msgs.filter((m) => batch.ids.includes(m.id)).map((m) => m.attempts));
        // A 429 is not a failure of the message: retry when told, never park for it.
        const retryAt =
          retryAfter !== null
            ? new Date(now().getTime() + retryAfter)
            : nextAttemptAt(now(), attempts + 1, { ...DEFAULT_RETRY, baseMs: 1_000 });
        await store.tx(async (r) => {
          for (const id of batch.ids) await r.outbox.fail(id, (err as Error).message, retryAt);
        });
        report.failed += batch.ids.length;
        break; // keep this chat's order: the rest waits for the retry
      }
    }
  }
  return report;
}

function merge(
  msgs: OutboxMessage[],
  t: ChatTransport,
): { ids: number[]; text: string; buttons: ChatButton[][] }[] {
  const out: { ids: number[]; text: string; buttons: ChatButton[][] }[] = [];
  let cur: { ids: number[]; text: string; buttons: ChatButton[][] } | null = null;
  for (const m of msgs) {
    let text = String(m.payload.text ?? "");
    const buttons = t.supportsButtons ? ((m.payload.buttons as ChatButton[][] | undefined) ?? []) : [];
    if (!t.supportsButtons && m.payload.buttons) {
      const code = m.payload.incident as string | undefined;
      if (code)
        text += `\n(Gõ /nhan ${code} để nhận, /chuyen ${code} wan để chuyển WAN, /xong ${code} khi đã khắc phục.)`;
    }
    if (text.length > t.maxLength) {
      // Too long for one message on its own: its parts go alone, in order.
      if (cur) out.push(cur);
      cur = null;
      const parts = splitText(text, t.maxLength);
      for (const [i, p] of parts.entries()) {
        const last = i === parts.length - 1;
        out.push({ ids: last ? [m.id] : [], text: p, buttons: last ? buttons : [] });
      }
      continue;
    }
    if (
      cur &&
      cur.text.length + 1 + text.length <= t.maxLength &&
      cur.buttons.length + buttons.length <= MAX_BUTTON_ROWS
    ) {
      cur = { ids: [...cur.ids, m.id], text: `${cur.text}\n${text}`, buttons: [...cur.buttons, ...buttons] };
    } else {
      if (cur) out.push(cur);
      cur = { ids: [m.id], text, buttons };
    }
  }
  if (cur) out.push(cur);
  return out;
}
