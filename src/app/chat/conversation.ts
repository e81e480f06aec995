import { distance } from "fastest-levenshtein";
import { DateTime } from "luxon";
import {
  type Command,
  HELP_TEXT,
  parseBareDone,
  parseBareIncidentCommand,
  parseBareReplyWithoutCode,
  parseButton,
  parseCommand,
} from "../../bot/commands.js";
import type { ChatButton, ChatEvent, ChatVerdict } from "../../bot/conversation.js";
import { minutesUntilToken, parseBucket, type RateLimit, takeToken } from "../../bot/rate-limit.js";
import { parseBookingCode } from "../../core/booking/code.js";
import { STATUS_VI } from "../../core/booking/state.js";
import type { Booking } from "../../core/booking/types.js";
import { atLocal, formatRangeVi, formatVi } from "../../core/calendar/zone.js";
import {
  advises,
  asksBack,
  CATEGORY_VI,
  classify,
  saysStill,
  stillFailing,
} from "../../core/incident/classify.js";
import { placedClauses } from "../../core/incident/place.js";
import {
  INCIDENT_CODE_RE,
  INCIDENT_STATUS_VI,
  type Incident,
  incidentCodeIn,
} from "../../core/incident/types.js";
import { fold } from "../../core/text/fold.js";
import type { ChatPerson } from "../../store/incident-repo.js";
import type { Repos } from "../../store/store.js";
import { type Actor, DESK_ROLES, type Desk } from "../context.js";
import {
  approvalText,
  approveChatLinkIn,
  chatLinkJobHandlers,
  findEndpoint,
  type LinkApproval,
  requestChatLinkIn,
} from "../directory/chat-links.js";
import { dutyText, setTodayDutyIn } from "../duty/duty.js";
import {
  acknowledgeIncidentIn,
  actsAs,
  commentIncidentIn,
  type IncidentAction,
  type IncidentOutcome,
  reopenIncidentIn,
  resolveIncidentIn,
  transferIncidentIn,
} from "../incident/actions.js";
import {
  ACTION_COMMAND,
  ASK_BACK_TEXT,
  codeHint,
  groupAckBothText,
  groupAckText,
  MEDIA_TEXT,
  REGISTER_HINT,
  UNREADABLE_TEXT,
  VOICE_TEXT,
} from "../incident/messages.js";
import { incidentPlace, keepReportMessage } from "../incident/notify.js";
import {
  correctReportIn,
  correctSplitReportIn,
  DEFAULT_INCIDENT_OPTIONS,
  type IncidentOptions,
  type IncidentReport,
  type ReportFiled,
  recordOverLimitIn,
  reportIncidentIn,
} from "../incident/report.js";
import { incidentTimeline } from "../incident/timeline.js";
import { INCIDENT_JOB, incidentTimerHandlers, type JobHandler } from "../incident/timers.js";
import { STORM_LINK_PREFIX } from "../ops/retention.js";
import { controlSessionIn, SESSION_COMMANDS, type SessionCommand } from "../session/control.js";
import { markReadyIn } from "../session/readiness.js";

export type { ChatButton, ChatEvent, ChatVerdict } from "../../bot/conversation.js";
export { scopeChat } from "../../bot/conversation.js";
export { INCIDENT_JOB };

export interface ChatDeskOptions extends IncidentOptions {
  /** Per chat user (platform:user id): `/dangky`, free-text fault reports, and every other command or button. */
  limits: Record<LimitKind, RateLimit>;
  /** Registration notices to the group: the first of a window at once, the rest as one digest at its end. */
  registrationNoticeMinutes: number;
  /** The group's storm message is edited at most this often (Telegram); Zalo gets a new one per storm window. */
  stormEditSeconds: number;
  /**
   * An unregistered reporter is told how to register (`/dangky`) with the first report of this window; later
   * reports of the window are acknowledged like a registered person's (a reaction), not with the hint again.
   */
  registerHintMinutes: number;
}

export type LimitKind = "registrations" | "reports" | "commands";

export const DEFAULT_CHAT_OPTIONS: ChatDeskOptions = {
  ...DEFAULT_INCIDENT_OPTIONS,
  // A person registers once; a commune reports a few faults in a session; a clerk types a few commands.
  limits: {
    registrations: { limit: 3, windowMinutes: 60 },
    reports: { limit: 10, windowMinutes: 10 },
    commands: { limit: 30, windowMinutes: 10 },
  },
  registrationNoticeMinutes: 10,
  stormEditSeconds: 3,
  registerHintMinutes: 60,
};

/** A chat message as a fault report: its words, and whether they are relayed from another chat. */
function reportOf(ev: ChatEvent): IncidentReport {
  return { text: ev.text, ...(ev.forwarded ? { forwarded: true } : {}) };
}

function who(ev: ChatEvent): string {
  return `${ev.platform}:${ev.userId}`;
}

/** The acting person of a chat update: the chat account, its platform, and its directory person if linked. */
function actorOf(ev: ChatEvent, person: ChatPerson | null): Actor {
  return { id: who(ev), channel: ev.platform, person, name: ev.userName };
}

/**
 * Replies go to the chat the event came from, each as a message of its own answering the person's message
 * (`replyTo`: on Telegram a reply to it). `link`: the report message the reply answers and the incident it stands
 * for (as an acknowledgement's reaction row says it), for an edit of that message to find.
 */
async function reply(
  r: Repos,
  ev: ChatEvent,
  text: string,
  now: Date,
  buttons?: ChatButton[][],
  link?: { messageId: string; incident: string; also?: string },
) {
  await r.outbox.enqueue(
    {
      channel: "chat",
      recipient: `${ev.platform}:${ev.chatId}`,
      kind: "chat-reply",
      payload: {
        text,
        ...(buttons ? { buttons } : {}),
        ...(ev.messageId ? { replyTo: ev.messageId } : {}),
        ...link,
      },
    },
    now,
  );
}

/**
 * The incident a report message stands for, by the acknowledgement of it (its reaction row, or a reply that says
 * so) written within the time an edit is read again; null when none was (a storm's, a reply in words).
 */
async function reportedIn(
  r: Repos,
  ev: ChatEvent,
  now: Date,
  opts: ChatDeskOptions,
): Promise<{ incident: string; also?: string } | null> {
  if (!ev.messageId) return null;
  const since = new Date(now.getTime() - (opts.joinMinutes * 60 + 60) * 1000);
  const recipient = `${ev.platform}:${ev.chatId}`;
  const rows = [
    ...(await r.outbox.toRecipientSince("reaction", recipient, since)),
    ...(await r.outbox.toRecipientSince("chat", recipient, since)),
  ]
    .filter((m) => m.payload.messageId === ev.messageId && typeof m.payload.incident === "string")
    .sort((a, b) => a.id - b.id);
  // `also`: the other incident of a report that named two faults of two duties.
  const last = rows.at(-1)?.payload;
  if (last)
    return {
      incident: last.incident as string,
      ...(typeof last.also === "string" ? { also: last.also } : {}),
    };
  // A storm's report is acknowledged by the storm message, which names no message: its link is kept aside.
  const kept = await r.meta.get(stormLinkKey(ev));
  if (!kept) return null;
  const link = JSON.parse(kept) as { incident: string; at: number };
  return link.at >= since.getTime() ? { incident: link.incident } : null;
}

const stormLinkKey = (ev: ChatEvent) => `${STORM_LINK_PREFIX}${ev.platform}:${ev.chatId}:${ev.messageId}`;

/** Acknowledge a report with a reaction on it; `text` is the reply in words, `short` its line in a merged reply. */
async function acknowledge(
  r: Repos,
  ev: ChatEvent,
  text: string,
  short: string,
  incident: string,
  now: Date,
) {
  await r.outbox.enqueue(
    {
      channel: "reaction",
      recipient: `${ev.platform}:${ev.chatId}`,
      kind: "ack-reaction",
      payload: { messageId: ev.messageId, emoji: "👌", text, short, incident },
    },
    now,
  );
}

function sessionLine(b: Booking, zone: string): string {
  const time =
    b.request.start && b.request.end
      ? formatRangeVi(b.request.start, b.request.end, zone)
      : "chưa rõ thời gian";
  // Điều 5.2: a secret session is never described in a group: code, time and that it is secret.
  if (b.request.secret) return `${b.code} — ${time} — phiên mật (${STATUS_VI[b.status]})`;
  return `${b.code} — ${time} — ${b.request.host ?? "?"}: ${b.request.title ?? ""} (${STATUS_VI[b.status]})`;
}

/**
 * The chat desk's one entry: every Telegram or Zalo update goes through here. The update id is claimed in the
 * same transaction as the effect, so a redelivered update changes nothing. Replies are outbox rows. This only
 * translates: it parses the update, gates it, calls the use case and words the reply.
 */
export async function handleChatEvent(
  desk: Desk,
  ev: ChatEvent,
  now: Date,
  opts: ChatDeskOptions = DEFAULT_CHAT_OPTIONS,
): Promise<{ duplicate: boolean } & ChatVerdict> {
  return desk.store.tx(async (r) => {
    if (!(await r.inbound.claim(ev.platform, ev.updateId, now, "received"))) return { duplicate: true };
    const person = await r.incidents.personByChat(ev.platform, ev.userId);
    // Whoever writes to the bot privately can be reached there: desk notices for their duty go to this chat.
    if (ev.chatType === "private") await r.duty.rememberPrivateChat(ev.platform, ev.userId, ev.chatId, now);
    const staff = person !== null && DESK_ROLES.includes(person.role);
    // A forwarded message is someone else's words relayed: read as a report, never run as the forwarder's command
    // (a «/xong SC-…» forwarded to show what was done would close the incident again, in the forwarder's name).
    const cmd = ev.button
      ? parseButton(ev.button)
      : ev.forwarded
        ? null
        : withReplied(
            parseCommand(ev.text) ??
              (staff ? parseBareIncidentCommand(ev.text, ev.repliedIncident) : null) ??
              // «xong», «đã xong», «ok xong» without a code, not as a reply to an incident's message: the one incident
              // the technician holds, on Telegram as on Zalo (Telegram passed it over in silence).
              (staff ? parseBareDone(ev.text) : null) ??
              // Zalo never says which message a reply answers (and delivers a group message only when it mentions or
              // answers the bot): «xong, đã cắm lại mic» is a command whose code is asked for, not a report.
              (staff && ev.platform === "zalo" ? parseBareReplyWithoutCode(ev.text) : null),
            ev,
          );
    const verdict: ChatVerdict = {};
    const gate = await authorise(r, ev, person, cmd, now, opts, verdict);
    if (gate !== "ok") {
      await r.inbound.settle(ev.platform, ev.updateId, gate, null);
      return { duplicate: false, ...verdict };
    }
    if (cmd) await command(desk, r, ev, person, cmd, now, opts, verdict);
    else await freeText(desk, r, ev, person, now, opts);
    await r.inbound.settle(ev.platform, ev.updateId, "handled", null);
    return { duplicate: false, ...verdict };
  });
}

const LIMIT_VI: Record<LimitKind, string> = {
  registrations: "yêu cầu đăng ký",
  reports: "báo cáo sự cố",
  commands: "lệnh",
};

/**
 * The gate before any effect: updates from an unknown group get one refusal and nothing else; then the
 * per-user rate limit (desk staff are not limited for commands: a burst of faults is their work). A button press's
 * refusal is its presser's alone (`verdict.alert`), as an incident action's is: the chat never reads it.
 */
async function authorise(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command | null,
  now: Date,
  opts: ChatDeskOptions,
  verdict: ChatVerdict,
): Promise<"ok" | "other-group" | "rate-limited"> {
  // A report the desk asks back about costs a report too: its answer is a group message.
  const fault = !cmd && (unreadable(ev) || classify(ev.text) !== "other" || asksBack(ev.text));
  if (ev.chatType === "other-group") {
    // Chatter in a stranger's group is not ours to answer; a command or a fault gets one refusal (rate-limited).
    if ((cmd || fault) && (await withinLimit(r, ev, "commands", now, opts, verdict)))
      await answer(r, ev, OTHER_GROUP_REFUSED, now, verdict);
    return "other-group";
  }
  // A /dangky that names no endpoint asks nothing of the admins: it costs a command, not one of the few
  // registrations, so a person who mistypes a name is not locked out of registering.
  const kind =
    cmd?.name === "dangky" && !findEndpoint(await r.directory.snapshot(), cmd.rest).ok
      ? "commands"
      : limitKind(ev, person, cmd, fault);
  if (!kind) return "ok";
  // A fault report over the limit about a storm the reporter's fault already belongs to is still recorded and
  // acknowledged by the storm message; only others are told they are over the limit.
  const absorb =
    kind === "reports" ? () => recordOverLimitIn(r, actorOf(ev, person), reportOf(ev), now, opts) : undefined;
  return (await withinLimit(r, ev, kind, now, opts, verdict, absorb)) ? "ok" : "rate-limited";
}

const OTHER_GROUP_REFUSED =
  "Bot chỉ làm việc trong nhóm Hỗ trợ kỹ thuật họp trực tuyến Thành phố và trong tin nhắn riêng. Đề nghị báo sự cố hoặc gửi lệnh ở nhóm đó, hoặc nhắn riêng cho bot.";

/** A refusal: a reply in the chat, or, to a button press, the press's own answer (Telegram: an alert). */
async function answer(r: Repos, ev: ChatEvent, text: string, now: Date, verdict: ChatVerdict) {
  if (ev.button) verdict.alert = text;
  else await reply(r, ev, text, now);
}

/** Which bucket an update draws on; null when it costs nothing (group chatter the bot does not answer). */
function limitKind(
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command | null,
  fault: boolean,
): LimitKind | null {
  if (cmd?.name === "dangky") return "registrations";
  if (cmd) return person && DESK_ROLES.includes(person.role) ? null : "commands";
  if (fault) return "reports";
  // A bare «xong» is answered (`reporterDone`): a flood of it is a flood of commands.
  if (parseBareDone(ev.text)) return "commands";
  // Unknown text in private is answered with the help: a flood of it is a flood of commands.
  return ev.chatType === "private" ? "commands" : null;
}

/**
 * Take a token from the user's bucket; over the limit, the first refusal is told politely, the rest silent. A
 * refused press is told every time, to its presser alone: a button that only stops spinning looks as if it worked,
 * and the alert costs the group nothing.
 */
async function withinLimit(
  r: Repos,
  ev: ChatEvent,
  kind: LimitKind,
  now: Date,
  opts: ChatDeskOptions,
  verdict: ChatVerdict,
  absorb?: () => Promise<boolean>,
): Promise<boolean> {
  const key = `chat-rate:${kind}:${who(ev)}`;
  const limit = opts.limits[kind];
  const prev = parseBucket(await r.meta.get(key));
  const decision = takeToken(prev, limit, now.getTime());
  if (!decision.allowed && absorb && (await absorb())) {
    // Acknowledged otherwise (the storm message): the over-limit notice is kept for a refusal that is not.
    await r.meta.set(key, JSON.stringify({ ...decision.state, noticed: prev?.noticed ?? false }));
    return false;
  }
  await r.meta.set(key, JSON.stringify(decision.state));
  if (decision.notify || (ev.button && !decision.allowed)) {
    await answer(
      r,
      ev,
      `Anh/chị đã gửi quá nhiều ${LIMIT_VI[kind]} trong thời gian ngắn (tối đa ${limit.limit} trong ${limit.windowMinutes} phút). Bot tạm dừng xử lý ${LIMIT_VI[kind]} của anh/chị khoảng ${minutesUntilToken(decision.state, limit)} phút; việc gấp xin gọi trực tiếp bộ phận kỹ thuật.`,
      now,
      verdict,
    );
  }
  return decision.allowed;
}

/** Free text: a fault report (`reportIncident`), or the help in a private chat. */
async function freeText(
  desk: Desk,
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  now: Date,
  opts: ChatDeskOptions,
) {
  const staff = person !== null && DESK_ROLES.includes(person.role);
  if (ev.media) {
    // A voice report would otherwise be passed over in silence: the reporter is asked to type it (so is one the
    // platform did not show). A photo or a sticker without words is the group's own talk; in private it gets the
    // same request.
    // Once per person and chat within the time a repeated report joins its incident: a reporter who sends three
    // voice messages in a row (one fault told in parts) was answered three times, the group reading each.
    if (unreadable(ev) && !staff) {
      const key = `chat-voice-answer:${ev.platform}:${ev.chatId}:${ev.userId}`;
      const last = Number((await r.meta.get(key)) ?? Number.NaN);
      if (Number.isFinite(last) && now.getTime() - last < opts.joinMinutes * 60_000) return;
      await r.meta.set(key, String(now.getTime()));
      return reply(r, ev, ev.media === "voice" ? VOICE_TEXT : UNREADABLE_TEXT, now);
    }
    if (ev.chatType === "private") return reply(r, ev, MEDIA_TEXT, now);
    return;
  }
  // «xong», «xong rồi» from the endpoint that reported: only the technician handling it closes an incident (it was
  // passed over in silence, and the reporter did not know whether the desk had heard).
  // A forward is about the endpoint it names, not the forwarder's: nothing of the forwarder's own incidents is
  // answered or reopened for it.
  const own = !ev.forwarded;
  if (!staff && own && ev.editedAfterSeconds === undefined && parseBareDone(ev.text))
    return reporterDone(r, ev, person, now);
  // A technician talking an endpoint through its fault in the group is no new report (an incident opened at the
  // endpoint the advice names, or the bot telling them to name one): they file with the endpoint and the fault.
  if (staff && ev.chatType === "group" && advises(ev.text)) return;
  // An edit is read again only as a fault report, within the time a repeat joins its incident: a corrected fault
  // («mất tiếng» → «mất mạng») is filed where it belongs, the same fault joins the incident the message opened
  // without a word, and an edit to chatter, or a late one, is the group's own.
  const edited = ev.editedAfterSeconds !== undefined;
  if (edited && (ev.editedAfterSeconds! > opts.joinMinutes * 60 || classify(ev.text) === "other")) return;
  // «Phường Ba Đình mất mạng, Phường Giảng Võ mất tiếng»: one report per place its clauses name, each filed and
  // answered as if sent alone. Whole, it named two places, and was filed at the sender's own, where nothing was wrong.
  if (!edited && classify(ev.text) !== "other") {
    const snapshot = await r.directory.snapshot();
    const clauses = placedClauses(
      ev.text,
      snapshot.matcher(),
      snapshot.directory.endpoints,
      (t) => classify(t) !== "other",
    );
    if (clauses) {
      for (const c of clauses) await freeText(desk, r, { ...ev, text: c.text }, person, now, opts);
      return;
    }
  }
  // Another fault than the one the message first said: the incident it opened is corrected (or, taken already,
  // kept beside the new one), and the chat told in one answer.
  const opened = edited ? await reportedIn(r, ev, now, opts) : null;
  const corrected = opened?.also
    ? await correctSplitReportIn(
        desk,
        r,
        actorOf(ev, person),
        [opened.incident, opened.also],
        { text: ev.text },
        now,
        opts,
      )
    : opened
      ? await correctReportIn(desk, r, actorOf(ev, person), opened.incident, { text: ev.text }, now, opts)
      : null;
  // A storm's report corrected in the group is acknowledged by the storm message, restated, as the report was.
  if (corrected?.kind === "storm" && ev.chatType === "group") return;
  if (corrected)
    return reply(r, ev, corrected.notice, now, undefined, {
      messageId: ev.messageId!,
      incident: corrected.incident.code,
      ...(corrected.also ? { also: corrected.also } : {}),
    });
  // A verified report in the group is acknowledged on the report itself (a reaction); the delivery says it in
  // words where reactions are impossible. A report that belongs to a storm is acknowledged by the storm message
  // that counts it, nothing of its own. Others get the notice.
  // A stranger's report is recorded too (unverified); the stranger is told how to register with the first
  // report of a window, in words, and is otherwise acknowledged like anyone else.
  const hint = person === null && !edited && (await registerHintDue(r, ev, now, opts));
  // A report in the group is acknowledged after the use case: by a reaction, or, where nothing can be reacted to
  // (an update without its message's id), by the words a refused reaction gets. The use case's own answer names the
  // place and session, which differ for a secret one (Điều 5.2).
  const apart = ev.chatType === "group" && !hint;
  const react = apart && Boolean(ev.messageId);
  // «vẫn chưa có tiếng ạ» just after the technician's «xong» on the endpoint's «mất tiếng»: the same fault is not
  // over, and its incident is reopened for its duty. It opened a second incident, as if nothing had been done.
  if (!staff && own && !edited && person?.endpoint && saysStill(ev.text)) {
    const since = new Date(now.getTime() - REOPEN_ON_STILL_MINUTES * 60_000);
    const back = await r.incidents.latestResolvedAt(person.endpoint, since);
    const category = classify(ev.text);
    if (back && !back.major && back.reporter !== "storm" && back.category === category) {
      const reopened = await reopenIncidentIn(r, actorOf(ev, person), back.code, now, {
        note: ev.text,
        reminderMinutes: opts.ackReminderMinutes,
        escalateMinutes: opts.escalateMinutes,
      });
      if (reopened.ok) {
        if (ev.chatType === "private") await reply(r, ev, reopened.notice, now);
        return;
      }
    }
  }
  // A report naming two faults of two duties is told twice (one per incident): the registration hint once.
  let hinted = false;
  // Each fault of a report naming two duties' is told apart here: the later answer's link names the first incident
  // too (`also`), so that an edit of the message finds both.
  let toldFirst: string | null = null;
  const outcome = await reportIncidentIn(
    desk,
    r,
    actorOf(ev, person),
    reportOf(ev),
    now,
    opts,
    // A report filed at another endpoint its words named is answered in words: the place is there to check.
    (text, how) => {
      if (apart && !how?.inWords) return Promise.resolve();
      const withHint = hint && !hinted;
      hinted = true;
      const also = toldFirst && how && toldFirst !== how.incident ? { also: toldFirst } : {};
      if (how) toldFirst ??= how.incident;
      return reply(
        r,
        ev,
        withHint ? `${text} ${REGISTER_HINT}` : text,
        now,
        undefined,
        how && ev.messageId ? { messageId: ev.messageId, incident: how.incident, ...also } : undefined,
      );
    },
  );
  if (outcome.ok) {
    if (hint) await r.meta.set(registerHintKey(ev), String(now.getTime()));
    // A report that opened its incident in a storm: nothing names it to its message, and an edit of it opened a
    // second incident beside it; its edit finds it here.
    if (outcome.major && outcome.kind === "opened" && ev.messageId && !edited)
      await r.meta.set(
        stormLinkKey(ev),
        JSON.stringify({ incident: outcome.incident.code, at: now.getTime() }),
      );
    // The group message that opened an incident: «… đã nhận xử lý» replies to it (a storm's report is the storm's).
    if (ev.chatType === "group" && ev.messageId && !edited)
      for (const o of [outcome, ...(outcome.also ? [outcome.also] : [])])
        if (o.kind === "opened" && !o.major)
          await keepReportMessage(r, o.incident.code, {
            platform: ev.platform,
            chatId: ev.chatId,
            messageId: ev.messageId,
          });
    if (edited && outcome.kind === "joined") return;
    // «mất mạng, máy chiếu cũng hỏng»: two incidents, two duties. A reaction would say nothing of the second
    // fault: the group is told, in words, both faults and where each went (what a storm's message or a named
    // place's words acknowledged already is left out).
    const both = [outcome, ...(outcome.also ? [outcome.also] : [])].filter((o) => !o.major && !o.inWords);
    if (apart && outcome.also && both.length) {
      const words =
        both.length === 1
          ? null
          : outcome.unverified
            ? both.map((o) => o.notice).join("\n")
            : groupAckBothText(
                both.map((o) => ({
                  kind: o.kind,
                  category: o.incident.category,
                  route: o.incident.route,
                  code: o.incident.code,
                })),
              );
      const one = both[0]!;
      const text = words ?? ackWords(one, ev, person).text;
      await reply(
        r,
        ev,
        text,
        now,
        undefined,
        ev.messageId
          ? {
              messageId: ev.messageId,
              incident: one.incident.code,
              also: [outcome.incident.code, outcome.also.incident.code].find((c) => c !== one.incident.code)!,
            }
          : undefined,
      );
      return;
    }
    if (apart && !outcome.major && !outcome.inWords) {
      // Said in words where the reaction cannot be: the same words for a secret session and an open one.
      const words = ackWords(outcome, ev, person);
      if (react) await acknowledge(r, ev, words.text, words.short, outcome.incident.code, now);
      else await reply(r, ev, words.text, now);
    }
    return;
  }
  if (outcome.reason === "no-endpoint") return reply(r, ev, outcome.message, now);
  // «vẫn chưa được ạ» just after the technician's «xong»: the fault is not over, and the endpoint may reopen its
  // incident (/mo). It was asked what the fault was, as if nothing had been reported.
  if (!staff && own && person?.endpoint && stillFailing(ev.text)) {
    const since = new Date(now.getTime() - REOPEN_ON_STILL_MINUTES * 60_000);
    const back = await r.incidents.latestResolvedAt(person.endpoint, since);
    const reopened =
      back && !back.major && back.reporter !== "storm"
        ? await reopenIncidentIn(r, actorOf(ev, person), back.code, now, {
            note: ev.text,
            reminderMinutes: opts.ackReminderMinutes,
            escalateMinutes: opts.escalateMinutes,
          })
        : null;
    if (reopened?.ok) {
      if (ev.chatType === "private") await reply(r, ev, reopened.notice, now);
      return;
    }
  }
  // Something is wrong and the words do not say what: asked back, in the group as in private, rather than
  // left unanswered (a report nobody answers is a fault nobody fixes) or sent to a guessed route.
  // Desk staff are the ones who ask («Sóc Sơn có vấn đề gì không?»): never asked back.
  if (asksBack(ev.text) && !staff) return reply(r, ev, ASK_BACK_TEXT, now);
  // Groups are for people: the bot speaks only when it has something to do.
  if (ev.chatType === "private") await reply(r, ev, `Bot chưa hiểu yêu cầu. ${HELP_TEXT}`, now);
}

/**
 * A report's acknowledgement in words in the group, and its line in a merged one: a stranger's notice, else the
 * same words for every session (`groupAckText`).
 */
function ackWords(o: ReportFiled, ev: ChatEvent, person: ChatPerson | null): { text: string; short: string } {
  if (o.unverified) return { text: o.notice, short: o.short };
  const name = ev.userName || person?.name || "";
  return groupAckText(o.kind, o.incident.category, o.incident.route, name, o.incident.code);
}

/**
 * A bare «xong» from someone who is not desk staff: when incidents of their endpoint, or reported by them, are
 * open, they are told that only the technician handling one closes it, and how to tell that technician it works
 * again: a note on the incident (/ghichu, which the reporter may write). Nothing is closed. With none open, the word
 * is the group's own talk («họp xong rồi»): nothing is said.
 */
async function reporterDone(r: Repos, ev: ChatEvent, person: ChatPerson | null, now: Date) {
  const open = (await r.incidents.list()).filter(
    (i) =>
      i.status !== "resolved" &&
      i.reporter !== "storm" &&
      ((person?.endpoint && i.endpoint === person.endpoint) || i.reporter === who(ev)),
  );
  if (open.length === 0) return;
  await reply(r, ev, reporterDoneText(open.map((i) => i.code)), now);
}

function reporterDoneText(codes: string[]): string {
  const shown = codes.slice(0, 5);
  const list = `${shown.join(", ")}${codes.length > shown.length ? ` và ${codes.length - shown.length} sự cố khác` : ""}`;
  const how =
    codes.length === 1
      ? `nhắn /ghichu ${codes[0]} đã hết lỗi để`
      : `nhắn /ghichu kèm mã sự cố, ví dụ /ghichu ${codes[0]} đã hết lỗi, để`;
  return `Chỉ cán bộ kỹ thuật đang xử lý mới đóng được sự cố ${list}; bot chưa đóng sự cố. Nếu điểm cầu đã hết lỗi, đề nghị ${how} người xử lý kiểm tra và đóng sự cố.`;
}

/** How long after an incident at an endpoint is resolved its «vẫn chưa được» reopens it. */
const REOPEN_ON_STILL_MINUTES = 60;

/** A message that may be a report the desk cannot read: a voice message, or one the platform did not show. */
function unreadable(ev: ChatEvent): boolean {
  return ev.media === "voice" || ev.media === "other";
}

const registerHintKey = (ev: ChatEvent) => `chat-register-hint:${who(ev)}`;

/** Whether an unregistered account's report should carry the registration hint (once per window). */
async function registerHintDue(r: Repos, ev: ChatEvent, now: Date, opts: ChatDeskOptions): Promise<boolean> {
  const last = Number((await r.meta.get(registerHintKey(ev))) ?? Number.NaN);
  return !(Number.isFinite(last) && now.getTime() - last < opts.registerHintMinutes * 60_000);
}

const INCIDENT_COMMANDS: Record<string, IncidentAction> = {
  nhan: "acknowledge",
  chuyen: "transfer",
  xong: "resolve",
  mo: "reopen",
  ghichu: "comment",
};

/** The group's commands besides the incidents' and the sessions', as /tro_giup lists them. */
const OTHER_COMMANDS = ["tro_giup", "dangky", "duyet", "lich", "phien", "sansang", "suco", "truc"];

/** « Có phải /xong?» for a slip of one or two letters («/xongg», «/nhna»); empty when no command is that near. */
function nearestCommand(name: string): string {
  const names = [...Object.keys(INCIDENT_COMMANDS), ...SESSION_COMMANDS, ...OTHER_COMMANDS];
  const near = names
    .map((n) => ({ n, d: distance(n, name.toLowerCase()) }))
    .filter((x) => x.d <= (x.n.length <= 3 ? 1 : 2))
    .sort((a, b) => a.d - b.d);
  return near.length ? ` Có phải /${near[0]!.n}?` : "";
}

async function command(
  desk: Desk,
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command,
  now: Date,
  opts: ChatDeskOptions,
  verdict: ChatVerdict,
) {
  const zone = desk.reg.zone;
  // Own keys only: «/constructor» would otherwise find Object's own, and the update would throw at every retry.
  const action = Object.hasOwn(INCIDENT_COMMANDS, cmd.name) ? INCIDENT_COMMANDS[cmd.name] : undefined;
  if (action) return incidentAction(r, ev, person, action, cmd, now, opts, verdict);
  if ((SESSION_COMMANDS as readonly string[]).includes(cmd.name)) {
    const outcome = await controlSessionIn(
      r,
      actorOf(ev, person),
      cmd.name as SessionCommand,
      cmd.args[0] ?? "",
      cmd.args[1],
      now,
    );
    return reply(r, ev, outcome.ok ? outcome.notice : outcome.message, now);
  }
  switch (cmd.name) {
    case "tro_giup":
    case "trogiup":
    case "help":
    case "start":
      return reply(r, ev, HELP_TEXT, now);
    case "dangky": {
      // A channel's or an anonymous admin's message names no person: a link made from it would let whoever
      // posts as that chat (every anonymous admin of the group) speak for the endpoint.
      if (ev.onBehalfOfChat) return reply(r, ev, ON_BEHALF_REFUSED, now);
      const outcome = await requestChatLinkIn(
        r,
        { platform: ev.platform, userId: ev.userId, name: ev.userName, endpoint: cmd.rest },
        now,
        opts,
      );
      return reply(r, ev, outcome.ok ? outcome.notice : outcome.message, now);
    }
    case "duyet":
      return approve(r, ev, person, cmd, now);
    case "lich": {
      // In a private chat a person sees only their own endpoint's sessions; a stranger sees none.
      if (ev.chatType === "private" && !person) return reply(r, ev, NOT_REGISTERED, now);
      const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
      const from = atLocal(day, "00:00", zone);
      const list = await r.bookings
        .list({
          from,
          to: new Date(from.getTime() + 24 * 3600_000),
          statuses: ["confirmed", "checked", "live", "ended", "needs-review"],
        })
        .then((all) => all.filter((b) => visibleTo(ev, person, b)));
      // «/lich 11/12» used to answer today's list as if the day had been read.
      const other = cmd.args.length
        ? [
            "Lệnh /lich chỉ xem lịch hôm nay; lịch các ngày khác xem trên trang Lịch của bàn kỹ thuật hoặc lịch công khai.",
          ]
        : [];
      if (list.length === 0)
        return reply(r, ev, [...other, "Hôm nay không có phiên họp trực tuyến nào."].join("\n"), now);
      return reply(
        r,
        ev,
        [
          ...other,
          `Lịch họp trực tuyến hôm nay (${list.length} phiên):`,
          ...list.map((b) => `• ${sessionLine(b, zone)}`),
        ].join("\n"),
        now,
      );
    }
    case "phien": {
      const code = parseBookingCode(cmd.rest);
      const found = code ? await r.bookings.get(code) : null;
      // Another endpoint's session is "not found" in a private chat: its existence is not ours to tell.
      const b = found && visibleTo(ev, person, found) ? found : null;
      if (!b)
        return reply(
          r,
          ev,
          cmd.rest
            ? `Không tìm thấy phiên họp «${cmd.rest}». Cách dùng: /phien HTT-2026-0042.`
            : "Thiếu mã phiên họp. Cách dùng: /phien HTT-2026-0042.",
          now,
        );
      return reply(r, ev, sessionLine(b, zone), now);
    }
    case "sansang": {
      const outcome = await markReadyIn(
        r,
        actorOf(ev, person),
        cmd.rest,
        person?.endpoint ?? null,
        now,
        desk.reg,
      );
      return reply(r, ev, outcome.ok ? outcome.notice : outcome.message, now);
    }
    case "suco":
      return cmd.rest ? incidentView(r, ev, person, cmd.rest, now, zone) : ownIncidents(r, ev, person, now);
    case "truc": {
      // `/truc` shows today's duty; `/truc mcu|wan @Tên` (an admin) changes it for today, audited.
      if (cmd.args.length === 0) return reply(r, ev, await dutyText(r, now, zone), now);
      const outcome = await setTodayDutyIn(
        r,
        actorOf(ev, person),
        cmd.args[0]!,
        cmd.args.slice(1).join(" "),
        now,
        zone,
      );
      return reply(r, ev, outcome.ok ? outcome.notice : outcome.message, now);
    }
    default:
      // The name is said back only when short: the bot never repeats a long text someone typed into the group.
      return reply(
        r,
        ev,
        cmd.name.length <= 24
          ? `Lệnh /${cmd.name} không tồn tại.${nearestCommand(cmd.name)} Gõ /tro_giup để xem các lệnh.`
          : "Lệnh không tồn tại. Gõ /tro_giup để xem các lệnh.",
        now,
      );
  }
}

const ON_BEHALF_REFUSED =
  "Không đăng ký được tin nhắn gửi với danh nghĩa kênh hoặc quản trị viên ẩn danh: tin nhắn đó không cho biết ai gửi. Đề nghị gửi /dangky <mã hoặc tên điểm cầu> từ tài khoản cá nhân (nhắn riêng cho bot).";

const NOT_REGISTERED =
  "Tài khoản của anh/chị chưa đăng ký với điểm cầu nào nên bot không hiển thị lịch họp hay sự cố. Gửi /dangky <mã hoặc tên điểm cầu> để quản trị viên duyệt.";

/** Who may see a session: anyone in the support group; in private, desk staff, or a person of one of its endpoints. */
function visibleTo(ev: ChatEvent, person: ChatPerson | null, b: Booking): boolean {
  if (ev.chatType === "group") return true;
  if (!person) return false;
  if (DESK_ROLES.includes(person.role)) return true;
  return person.endpoint !== null && [b.hostEndpoint, ...b.request.participants].includes(person.endpoint);
}

/** `/suco`: the open incidents of the person's own endpoint (desk staff: all open ones). */
async function ownIncidents(r: Repos, ev: ChatEvent, person: ChatPerson | null, now: Date) {
  if (!person) return reply(r, ev, NOT_REGISTERED, now);
  const desk = DESK_ROLES.includes(person.role);
  if (!desk && ev.chatType !== "private")
    return reply(r, ev, "Xem sự cố của điểm cầu mình: nhắn riêng /suco cho bot.", now);
  // Their endpoint's, and those they reported at another endpoint (a report is filed where its words point).
  const open = (await r.incidents.list()).filter(
    (i) =>
      i.status !== "resolved" &&
      (desk || (person.endpoint !== null && i.endpoint === person.endpoint) || i.reporter === who(ev)),
  );
  if (open.length === 0) return reply(r, ev, "Không có sự cố nào đang mở.", now);
  // Desk staff asking in the group: the group reads each incident's code, kind and status, never its place, the
  // same for every incident (Điều 5.2). It read «tại CX-00008» for one and «tại một điểm cầu của phiên mật» for
  // another, under the reports that told it who wrote them: which endpoints sit in the secret session.
  const group = ev.chatType !== "private";
  const lines: string[] = [];
  for (const i of open)
    lines.push(
      `• ${i.code} — ${CATEGORY_VI[i.category]}${group ? "" : ` tại ${await placeFor(r, person, i, !desk && i.reporter === who(ev))}`}${i.unverified ? " (chưa xác minh)" : ""}: ${INCIDENT_STATUS_VI[i.status]}`,
    );
  return reply(
    r,
    ev,
    [
      `Sự cố đang mở (${open.length}):`,
      ...lines,
      ...(group ? ["Điểm cầu, phiên họp và diễn biến: nhắn riêng /suco cho bot."] : []),
    ].join("\n"),
    now,
  );
}

/**
 * Where an incident is, as this person may read it in chat: their own endpoint, or the one their own report named,
 * by its code (the same answer whether its session is secret or not, so it tells nothing); another endpoint of a
 * secret session never, desk staff included (Điều 5.2, 14.4: chat is an internet channel).
 */
async function placeFor(r: Repos, person: ChatPerson, inc: Incident, reporter: boolean): Promise<string> {
  if (!inc.endpoint) return "điểm cầu chưa rõ";
  if (reporter || (person.endpoint !== null && inc.endpoint === person.endpoint)) return inc.endpoint;
  return incidentPlace(r, inc);
}

/** A timeline shows at most this many steps in chat (the latest); the web desk shows them all. */
const TIMELINE_STEPS = 30;

/**
 * `/suco SC-…`: one incident and its timeline (who did what and when, comments and reopenings). Desk staff see
 * any incident, a person of an endpoint their endpoint's and, without session or notes, those they reported
 * elsewhere, in private; in a group an incident is only named, never described (Điều 5.2).
 */
async function incidentView(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  given: string,
  now: Date,
  zone: string,
) {
  if (!person) return reply(r, ev, NOT_REGISTERED, now);
  const desk = DESK_ROLES.includes(person.role);
  const canonical = incidentCodeIn(given);
  const found = canonical ? await r.incidents.get(canonical) : null;
  const own = found && (desk || (person.endpoint !== null && found.endpoint === person.endpoint));
  // Who reported an incident at another endpoint follows it too, but only as far as their report goes: the
  // steps, never the session nor the notes (the endpoint may be in a secret session, Điều 5.2, and the answer is
  // the same whether it is or not, so that it tells nothing).
  const reporterOnly = Boolean(found && !own && found.reporter === who(ev));
  // Another endpoint's incident is "not found": its existence is not ours to tell.
  const inc = found && (own || reporterOnly) ? found : null;
  if (!inc)
    return reply(r, ev, `Không tìm thấy sự cố «${given.trim()}». Cách dùng: /suco SC-2026-0123.`, now);
  const booking = inc.booking && !reporterOnly ? await r.bookings.get(inc.booking) : null;
  const secret = booking?.request.secret ?? false;
  // In a group the answer is the same for every incident (Điều 5.2): a view for an open session's incident and a
  // pointer for a secret one's would tell the group which, and a report's place is never the group's to read.
  if (ev.chatType !== "private")
    return reply(r, ev, `Xem diễn biến sự cố ${inc.code}: nhắn riêng /suco ${inc.code} cho bot.`, now);
  const place = await placeFor(r, person, inc, reporterOnly);
  // Desk staff away from a secret session's endpoint do not read who spoke for it (its people's names would say
  // where); the notes stay theirs to read, as the desk's own words.
  const hidden = secret && !(person.endpoint !== null && inc.endpoint === person.endpoint);
  const session = inc.booking && !reporterOnly ? `, phiên ${inc.booking}${secret ? " (phiên mật)" : ""}` : "";
  const steps = await incidentTimeline(r, inc);
  const shown = steps.slice(-TIMELINE_STEPS);
  return reply(
    r,
    ev,
    [
      `Sự cố ${inc.code} — ${CATEGORY_VI[inc.category]} tại ${place}${session} — ${INCIDENT_STATUS_VI[inc.status]}${inc.unverified ? " (chưa xác minh)" : ""}.`,
      reporterOnly
        ? "Diễn biến (anh/chị là người báo sự cố; nội dung ghi chú chỉ điểm cầu gặp sự cố và bộ phận kỹ thuật xem được):"
        : "Diễn biến:",
      ...(steps.length > shown.length ? [`… ${steps.length - shown.length} bước trước đó`] : []),
      ...shown.map(
        (e) =>
          `• ${formatVi(e.at, zone)} — ${e.label} — ${hidden && e.endpointSide ? "điểm cầu phiên mật" : e.who}${e.note && !reporterOnly ? `: ${e.note}` : ""}`,
      ),
    ].join("\n"),
    now,
  );
}

/** `/duyet <số> [leader|technician] [thay|them]`: an admin approves a registration (`approveChatLink`). */
async function approve(r: Repos, ev: ChatEvent, person: ChatPerson | null, cmd: Command, now: Date) {
  const words = cmd.args.slice(1).map((a) => fold(a));
  const role = words.some((w) => w === "leader" || w === "lanh dao" || w === "lanhdao")
    ? "leader"
    : "technician";
  const mode = words.includes("thay") ? "replace" : words.includes("them") ? "add" : "new";
  const input: LinkApproval = { id: Number(cmd.args[0]), role, mode };
  const unknown = words.filter(
    (w) => !["leader", "lanhdao", "lanh dao", "technician", "kythuat", "thay", "them"].includes(w),
  );
  // Only an admin learns how the command is written.
  if (person?.role === "admin" && (unknown.length || (words.includes("thay") && words.includes("them"))))
    return reply(
      r,
      ev,
      `Không hiểu «${cmd.args.slice(1).join(" ")}». Cách dùng: /duyet <số> [leader|technician] [thay|them].`,
      now,
    );
  const outcome = await approveChatLinkIn(r, actorOf(ev, person), input, now);
  return reply(r, ev, approvalText(outcome, cmd.args[0] ?? "", input), now);
}

/**
 * `/nhan`, `/chuyen`, `/xong`, `/mo`, `/ghichu` (typed or as buttons): the incident use cases. A typed command's
 * refusal is a reply in its chat. A button's is the press's own answer, which only the presser reads: the group
 * would otherwise read «Chỉ cán bộ kỹ thuật…» each time someone presses «Nhận» who may not, or presses it late.
 * It is not an outbox row: Telegram takes a callback's answer only within seconds of the press, once, for that
 * press, while the outbox paces and retries; the adapter answers every press anyway, with `verdict.alert` set here.
 */
async function incidentAction(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  action: IncidentAction,
  cmd: Command,
  now: Date,
  opts: ChatDeskOptions,
  verdict: ChatVerdict,
) {
  const actor = actorOf(ev, person);
  const code = cmd.args[0] ?? "";
  const rest = cmd.args.slice(1).join(" ");
  // A comment keeps its line breaks: everything after the code, as typed.
  const text = cmd.rest.replace(/^\S+\s*/, "");
  // «/nhan SC-2026-0002 SC-2026-0003»: the technician takes each one named. Only the first used to be taken, the
  // second read as its note, and left to remind and escalate while its taker thought it theirs.
  const codes = cmd.rest.match(new RegExp(INCIDENT_CODE_RE.source, "gi")) ?? [];
  // «/xong SC-2026-0002, SC-2026-0003 đã thay cáp» likewise resolves each code before the note (only the first
  // was, the second left open while the technician thought it closed); a note that names another incident
  // («/xong SC-2026-0002 trùng SC-2026-0003») is still a note.
  const lead = cmd.args.findIndex((a) => !isCodeArg(a));
  const head = lead === -1 ? cmd.args : cmd.args.slice(0, lead);
  const headCodes = head.join(" ").match(new RegExp(INCIDENT_CODE_RE.source, "gi")) ?? [];
  const resolveNote = cmd.args.slice(head.length).join(" ");
  if (action === "resolve" && headCodes.length > 1 && INCIDENT_CODE_RE.test(code)) {
    const refused: string[] = [];
    for (const each of new Set(headCodes.map((c) => incidentCodeIn(c)!))) {
      const one = await resolveIncidentIn(r, actor, each, resolveNote, now);
      if (!one.ok) refused.push(one.message);
      else if (ev.chatType === "private") await reply(r, ev, one.notice, now);
    }
    if (refused.length) await reply(r, ev, refused.join("\n"), now);
    return;
  }
  if (
    action === "acknowledge" &&
    codes.length > 1 &&
    INCIDENT_CODE_RE.test(code) &&
    cmd.args.every(isCodeArg)
  ) {
    const refused: string[] = [];
    for (const each of new Set(codes.map((c) => incidentCodeIn(c)!))) {
      const one = await acknowledgeIncidentIn(r, actor, each, now);
      if (!one.ok) refused.push(one.message);
      else if (ev.chatType === "private") await reply(r, ev, one.notice, now);
    }
    if (refused.length && ev.button) verdict.alert = refused.join(" ");
    else if (refused.length) await reply(r, ev, refused.join("\n"), now);
    return;
  }
  if (cmd.bare && action === "resolve" && person) return bareDone(r, ev, person, now);
  // No code, and (on Telegram) no reply to the bot's message about an incident: «/xong đã cắm lại mic» was «Không
  // tìm thấy sự cố «đã»» on Telegram. The technician is asked for the code, with the command written out when one
  // incident is theirs; it is not guessed, on either platform: closing the wrong one tells an endpoint its fault
  // is fixed and stops its reminders.
  if (
    !ev.button &&
    person &&
    DESK_ROLES.includes(person.role) &&
    action !== "reopen" &&
    !INCIDENT_CODE_RE.test(code) &&
    !parseBookingCode(code)
  )
    return reply(
      r,
      ev,
      (action === "acknowledge" && (await lateAcknowledgement(r, ev, person, now))) ||
        (await codeHintFor(r, ev, person, action, cmd.rest)),
      now,
    );
  let outcome: IncidentOutcome;
  switch (action) {
    case "acknowledge":
      outcome = await acknowledgeIncidentIn(r, actor, code, now, { note: rest });
      break;
    case "transfer":
      outcome = await transferIncidentIn(r, actor, code, rest, now);
      break;
    case "resolve":
      outcome = await resolveIncidentIn(r, actor, code, rest, now);
      break;
    case "reopen":
      outcome = await reopenIncidentIn(r, actor, code, now, {
        note: text,
        reminderMinutes: opts.ackReminderMinutes,
        escalateMinutes: opts.escalateMinutes,
      });
      break;
    case "comment":
      outcome = await commentIncidentIn(r, actor, code, text, now);
      break;
  }
  if (!outcome.ok) {
    if (ev.button) verdict.alert = outcome.message;
    else await reply(r, ev, outcome.message, now);
    return;
  }
  // The group was told by the use case; a private chat also gets the answer.
  if (ev.chatType === "private") await reply(r, ev, outcome.notice, now);
}

/**
 * «/nhan», «/xong đã thay cáp», «/chuyen wan» typed as a reply to the bot's message about an incident, without its
 * code: about that incident (it was «Thiếu mã sự cố» while the notice it answered named it). A code typed wins, and
 * so does a session's code (answered as such).
 */
function withReplied(cmd: Command | null, ev: ChatEvent): Command | null {
  const code = ev.repliedIncident;
  if (!cmd || !code || !Object.hasOwn(INCIDENT_COMMANDS, cmd.name)) return cmd;
  const first = cmd.args[0] ?? "";
  if (INCIDENT_CODE_RE.test(first) || parseBookingCode(first)) return cmd;
  return { name: cmd.name, args: [code, ...cmd.args], rest: [code, cmd.rest].filter(Boolean).join(" ") };
}

/**
 * A bare «xong» from desk staff: the one incident they hold (taken by them, or handed to them or their duty) is
 * resolved, as `/xong SC-…` would, and the chat told which one it took it for, with the way back (/mo); with
 * several, they are asked which one; with none, told there is nothing of theirs to close. Nothing is guessed among
 * several: closing the wrong one tells an endpoint its fault is fixed and stops its reminders.
 */
async function bareDone(r: Repos, ev: ChatEvent, person: ChatPerson, now: Date) {
  const held = (await heldBy(r, ev, person)).map((i) => i.code);
  if (held.length === 0) return reply(r, ev, BARE_DONE_NONE, now);
  if (held.length > 1) return reply(r, ev, bareDoneWhich(held), now);
  const code = held[0]!;
  const outcome = await resolveIncidentIn(r, actorOf(ev, person), code, "", now);
  if (!outcome.ok) return reply(r, ev, outcome.message, now);
  return reply(
    r,
    ev,
    `Bot hiểu «xong» là sự cố ${code} (sự cố duy nhất anh/chị đang xử lý) và đã đánh dấu đã khắc phục. Nếu nhầm, gõ /mo ${code} để mở lại.`,
    now,
  );
}

const BARE_DONE_NONE =
  "Anh/chị không có sự cố nào đang nhận xử lý nên bot không đóng sự cố nào. Gõ /suco để xem các sự cố đang mở; đóng một sự cố: /xong SC-… ghi chú.";

function bareDoneWhich(codes: string[]): string {
  const shown = codes.slice(0, 10);
  return `Anh/chị đang xử lý ${codes.length} sự cố: ${shown.join(", ")}${codes.length > shown.length ? ` và ${codes.length - shown.length} sự cố khác` : ""}. Sự cố nào đã xong? Gõ /xong kèm mã, ví dụ /xong ${codes[0]}.`;
}

/**
 * The open incidents a desk person holds: acknowledged by any of their accounts (taken on Zalo, closed on Telegram)
 * or by name, or handed to them or their duty. A storm's joined report is the storm's, never listed.
 */
async function heldBy(r: Repos, ev: ChatEvent, person: ChatPerson): Promise<Incident[]> {
  const { open, mine } = await assignedTo(r, ev, person);
  return open.filter((i) => i.status !== "open" && mine(i));
}

/**
 * The open incidents (a storm's joined reports left out) and which of them are assigned to this desk person: by any
 * of their accounts (taken on Zalo, closed on Telegram), by name, or by their duty.
 */
async function assignedTo(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson,
): Promise<{ open: Incident[]; mine: (i: Incident) => boolean }> {
  const open = (await r.incidents.list()).filter((i) => i.status !== "resolved" && !i.major);
  const actor = actorOf(ev, person);
  const ids = new Set<string>();
  for (const i of open)
    if (i.assignee && (i.assignee === person.role || (await actsAs(r, actor, i.assignee)))) ids.add(i.code);
  return { open, mine: (i) => ids.has(i.code) };
}

/**
 * A «nhận» without its code when nothing waits on the technician's route and exactly one incident there is taken
 * already: what Telegram answers the same «nhận» replied to that incident's notice (Zalo says nothing of the message
 * answered, and a late «nhận» there read «hãy ghi mã sự cố», as if there were one to take): who has it, or that they
 * have it already. The use case refuses it, so nothing changes hands. Null otherwise: the code is asked for.
 */
async function lateAcknowledgement(r: Repos, ev: ChatEvent, person: ChatPerson, now: Date) {
  const { open } = await assignedTo(r, ev, person);
  const route = person.role === "wan-duty" ? "wan" : person.role === "mcu-technician" ? "mcu" : null;
  const onRoute = open.filter((i) => route === null || i.route === route);
  if (onRoute.some((i) => i.status === "open")) return null;
  const taken = onRoute.filter((i) => i.status === "acknowledged" && i.assignee);
  if (taken.length !== 1) return null;
  const outcome = await acknowledgeIncidentIn(r, actorOf(ev, person), taken[0]!.code, now);
  return outcome.ok ? outcome.notice : outcome.message;
}

/**
 * The answer to an incident command without its code (see `codeHint`): the incidents that are the
 * technician's to act on are those they hold (acknowledged, or handed to them or their duty), else for /nhan (or
 * when they hold none) those still waiting on their duty's route. A joined report is the storm's, never listed.
 */
async function codeHintFor(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson,
  action: IncidentAction,
  rest: string,
): Promise<string> {
  const { open, mine } = await assignedTo(r, ev, person);
  const held = open.filter((i) => i.status !== "open" && mine(i));
  const route = person.role === "wan-duty" ? "wan" : person.role === "mcu-technician" ? "mcu" : null;
  const waiting = open.filter(
    (i) =>
      (i.status === "open" && (route === null || i.route === route)) ||
      (i.status === "dispatched" && mine(i)),
  );
  const theirs = action === "acknowledge" ? waiting : held.length ? held : waiting;
  const codes = theirs.map((i) => i.code);
  // The words typed after the command are said back only when short (the bot never repeats a long text).
  const note = rest.trim().length <= 60 ? rest.trim() : "";
  const example =
    codes.length === 1
      ? `/${ACTION_COMMAND[action]} ${codes[0]}${note ? ` ${note}` : action === "transfer" ? " wan | mcu | @Tên cán bộ" : ""}`
      : null;
  return codeHint(ev.platform, action, example, codes);
}

/** An argument that is an incident code, alone or with the comma or «và» between codes. */
function isCodeArg(arg: string): boolean {
  return /^(SC-\d{4}-\d+[,;.]?|,|;|va|và|&)$/i.test(arg);
}

/** Timers of incidents during a live session, and the digest of registration notices. */
export function incidentJobHandlers(): Record<string, JobHandler> {
  return { ...incidentTimerHandlers(), ...chatLinkJobHandlers() };
}
