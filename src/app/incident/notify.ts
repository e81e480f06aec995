import type { ChatButton } from "../../bot/conversation.js";
import type { Booking } from "../../core/booking/types.js";
import type { Incident } from "../../core/incident/types.js";
import type { Repos } from "../../store/store.js";
import { REPORT_MESSAGE_PREFIX } from "../ops/retention.js";

/**
 * A notice to a desk role. The delivery sends it to the person on duty for the role in their private chat with
 * the bot, or else to the support group tagged with the role (and the person on duty named).
 */
export async function deskNotice(
  r: Repos,
  role: string,
  text: string,
  now: Date,
  incident: string,
  buttons?: ChatButton[][],
  opts: {
    /** The outbox kind ("mcu-incident" is desk-critical). */
    kind?: string;
    /** More roles the group message tags (an escalation tags the duty role's group tag with the admin). */
    tags?: string[];
    /**
     * What the group reads instead of `text` when the notice lands there (nobody on duty to take it privately, the
     * person on duty unreachable privately on that platform, an escalation): `deskGroupText`, the same words for
     * every incident (Điều 5.2). Without it the group reads a neutral pointer to the private notice.
     */
    groupText?: string;
  } = {},
): Promise<void> {
  await r.outbox.enqueue(
    {
      channel: "desk",
      recipient: role,
      kind: opts.kind ?? "incident-notice",
      payload: {
        text,
        incident,
        ...(buttons ? { buttons } : {}),
        ...(opts.tags?.length ? { tags: opts.tags } : {}),
        ...(opts.groupText ? { groupText: opts.groupText } : {}),
      },
    },
    now,
  );
}

/** The reporter is told at each step, in the group where the fault was reported. */
export async function groupUpdate(
  r: Repos,
  text: string,
  now: Date,
  replyIn?: ReportMessage | null,
): Promise<void> {
  await r.outbox.enqueue(
    {
      channel: "group",
      recipient: "support-group",
      kind: "incident-update",
      payload: { text, ...(replyIn ? { replyIn } : {}) },
    },
    now,
  );
}

/** The group message a chat report was: where a notice about its incident may reply to it. */
export interface ReportMessage {
  platform: string;
  chatId: string;
  messageId: string;
}

/** Remember the group message that opened `code` (one per incident: the first report's). */
export async function keepReportMessage(r: Repos, code: string, where: ReportMessage): Promise<void> {
  const key = `${REPORT_MESSAGE_PREFIX}${code}`;
  if (!(await r.meta.get(key))) await r.meta.set(key, JSON.stringify(where));
}

/** The group message that opened `code`, when a chat report in a group did and it is still kept. */
export async function reportMessageOf(r: Repos, code: string): Promise<ReportMessage | null> {
  const kept = await r.meta.get(`${REPORT_MESSAGE_PREFIX}${code}`);
  if (!kept) return null;
  const m = JSON.parse(kept) as Partial<ReportMessage>;
  return typeof m.platform === "string" && typeof m.chatId === "string" && typeof m.messageId === "string"
    ? { platform: m.platform, chatId: m.chatId, messageId: m.messageId }
    : null;
}

/** The session live at an endpoint now (or about to start within the technical-check window). */
export async function liveBookingAt(r: Repos, endpoint: string, now: Date): Promise<Booking | null> {
  const holders = await r.bookings.holders(now, new Date(now.getTime() + 1), [endpoint]);
  const h = holders.find((x) => x.endpoints.includes(endpoint));
  return h ? r.bookings.get(h.code) : null;
}

/** Where an incident is, as chat may say it: never an endpoint of a secret session (Điều 5.2). */
export async function incidentPlace(r: Repos, inc: Incident): Promise<string> {
  const b = inc.booking ? await r.bookings.get(inc.booking) : null;
  return b?.request.secret ? "một điểm cầu của phiên mật" : (inc.endpoint ?? "chưa rõ điểm cầu");
}
