import { DateTime } from "luxon";
import { type Desk, moveTo } from "../app/desk.js";
import { parseBookingCode } from "../core/booking/code.js";
import { STATUS_VI } from "../core/booking/state.js";
import type { Booking } from "../core/booking/types.js";
import { atLocal, formatRangeVi } from "../core/calendar/zone.js";
import { CATEGORY_VI, classify, routeOf } from "../core/incident/classify.js";
import { INCIDENT_CODE_RE, INCIDENT_STATUS_VI, type Incident, incidentCode } from "../core/incident/types.js";
import { fold } from "../core/text/fold.js";
import type { ChatPerson, Platform } from "../store/incident-repo.js";
import type { Repos } from "../store/store.js";
import { buttonData, type Command, HELP_TEXT, parseButton, parseCommand } from "./commands.js";
import { minutesUntilToken, parseBucket, type RateLimit, takeToken } from "./rate-limit.js";

/** One inbound chat update, whatever the platform. */
export interface ChatEvent {
  platform: Platform;
  chatId: string;
  /**
   * "group" only for the configured support group of the platform; any other group is "other-group" and gets
   * no group action (see `scopeChat`, applied by the service, which knows the configured groups).
   */
  chatType: "group" | "other-group" | "private";
  userId: string;
  userName: string;
  text: string;
  /** Telegram button data, when a button was pressed. */
  button: string | null;
  /** Unique per platform: the update id. */
  updateId: string;
}

export interface ChatButton {
  label: string;
  data: string;
}

export interface ChatDeskOptions {
  /** A repeated report of the same fault at the same endpoint within this many minutes joins the open one. */
  joinMinutes: number;
  /** During a live session, an unacknowledged incident reminds the duty after this long, then escalates. */
  ackReminderMinutes: number;
  escalateMinutes: number;
  /** Per chat user (platform:user id): `/dangky`, free-text fault reports, and every other command or button. */
  limits: Record<LimitKind, RateLimit>;
  /** Registration notices to the group: the first of a window at once, the rest as one digest at its end. */
  registrationNoticeMinutes: number;
}

export type LimitKind = "registrations" | "reports" | "commands";

export const DEFAULT_CHAT_OPTIONS: ChatDeskOptions = {
  joinMinutes: 10,
  ackReminderMinutes: 5,
  escalateMinutes: 10,
  // A person registers once; a commune reports a few faults in a session; a clerk types a few commands.
  limits: {
    registrations: { limit: 3, windowMinutes: 60 },
    reports: { limit: 10, windowMinutes: 10 },
    commands: { limit: 30, windowMinutes: 10 },
  },
  registrationNoticeMinutes: 10,
};

/**
 * Mark a platform "group" update as "other-group" unless it comes from the configured support group: a
 * stranger's group (the bot added elsewhere) never gets group actions.
 */
export function scopeChat(ev: ChatEvent, groupChatId: string): ChatEvent {
  return ev.chatType === "group" && ev.chatId !== groupChatId ? { ...ev, chatType: "other-group" } : ev;
}

const ROUTE_VI = { wan: "Trực ban mạng WAN (Sở Khoa học và Công nghệ)", mcu: "Kỹ thuật MCU" } as const;
const DESK_ROLES = ["mcu-technician", "wan-duty", "admin"];

/** How each incident command is written, for the message that corrects a mistyped one. */
const INCIDENT_USAGE: Record<string, string> = {
  nhan: "/nhan SC-2026-0123",
  chuyen: "/chuyen SC-2026-0123 wan | mcu | @Tên cán bộ",
  xong: "/xong SC-2026-0123 [ghi chú cách xử lý]",
  mo: "/mo SC-2026-0123",
};

export const INCIDENT_JOB = {
  reminder: "incident-ack-reminder",
  escalate: "incident-escalate",
  registrationDigest: "registration-digest",
} as const;

function who(ev: ChatEvent): string {
  return `${ev.platform}:${ev.userId}`;
}

/** Replies go to the chat the event came from; desk notices to the group, tagged with the role. */
async function reply(r: Repos, ev: ChatEvent, text: string, now: Date, buttons?: ChatButton[][]) {
  await r.outbox.enqueue(
    {
      channel: "chat",
      recipient: `${ev.platform}:${ev.chatId}`,
      kind: "chat-reply",
      payload: { text, ...(buttons ? { buttons } : {}) },
    },
    now,
  );
}

async function deskNotice(
  r: Repos,
  role: string,
  text: string,
  now: Date,
  incident: string,
  buttons?: ChatButton[][],
) {
  await r.outbox.enqueue(
    {
      channel: "desk",
      recipient: role,
      kind: "incident-notice",
      payload: { text, incident, ...(buttons ? { buttons } : {}) },
    },
    now,
  );
}

function incidentButtons(code: string): ChatButton[][] {
  return [
    [
      { label: `Nhận ${code}`, data: buttonData("nhan", code) },
      { label: "Chuyển WAN", data: buttonData("chuyen", code, "wan") },
      { label: "Đã xong", data: buttonData("xong", code) },
    ],
  ];
}

/** The session live at an endpoint now (or about to start within the technical-check window). */
async function liveBookingAt(r: Repos, endpoint: string, now: Date): Promise<Booking | null> {
  const holders = await r.bookings.holders(now, new Date(now.getTime() + 1), [endpoint]);
  const h = holders.find((x) => x.endpoints.includes(endpoint));
  return h ? r.bookings.get(h.code) : null;
}

/** Where an incident is, as chat may say it: never an endpoint of a secret session (Điều 5.2). */
async function incidentPlace(r: Repos, inc: Incident): Promise<string> {
  const b = inc.booking ? await r.bookings.get(inc.booking) : null;
  return b?.request.secret ? "một điểm cầu của phiên mật" : (inc.endpoint ?? "chưa rõ điểm cầu");
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
 * same transaction as the effect, so a redelivered update changes nothing. Replies are outbox rows.
 */
export async function handleChatEvent(
  desk: Desk,
  ev: ChatEvent,
  now: Date,
  opts: ChatDeskOptions = DEFAULT_CHAT_OPTIONS,
): Promise<{ duplicate: boolean }> {
  return desk.store.tx(async (r) => {
    if (!(await r.inbound.claim(ev.platform, ev.updateId, now, "received"))) return { duplicate: true };
    const person = await r.incidents.personByChat(ev.platform, ev.userId);
    const cmd = ev.button ? parseButton(ev.button) : parseCommand(ev.text);
    const gate = await authorise(r, ev, person, cmd, now, opts);
    if (gate !== "ok") {
      await r.inbound.settle(ev.platform, ev.updateId, gate, null);
      return { duplicate: false };
    }
    if (cmd) await command(desk, r, ev, person, cmd, now, opts);
    else await freeText(desk, r, ev, person, now, opts);
    await r.inbound.settle(ev.platform, ev.updateId, "handled", null);
    return { duplicate: false };
  });
}

const LIMIT_VI: Record<LimitKind, string> = {
  registrations: "yêu cầu đăng ký",
  reports: "báo cáo sự cố",
  commands: "lệnh",
};

/**
 * The gate before any effect: updates from an unknown group get one refusal and nothing else; then the
 * per-user rate limit (desk staff are not limited for commands: a burst of faults is their work).
 */
async function authorise(
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command | null,
  now: Date,
  opts: ChatDeskOptions,
): Promise<"ok" | "other-group" | "rate-limited"> {
  const fault = !cmd && classify(ev.text) !== "other";
  if (ev.chatType === "other-group") {
    // Chatter in a stranger's group is not ours to answer; a command or a fault gets one refusal (rate-limited).
    if ((cmd || fault) && (await withinLimit(r, ev, "commands", now, opts))) {
      await reply(
        r,
        ev,
        "Bot chỉ làm việc trong nhóm Hỗ trợ kỹ thuật họp trực tuyến Thành phố và trong tin nhắn riêng. Đề nghị báo sự cố hoặc gửi lệnh ở nhóm đó, hoặc nhắn riêng cho bot.",
        now,
      );
    }
    return "other-group";
  }
  const kind = limitKind(ev, person, cmd, fault);
  if (!kind) return "ok";
  return (await withinLimit(r, ev, kind, now, opts)) ? "ok" : "rate-limited";
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
  // Unknown text in private is answered with the help: a flood of it is a flood of commands.
  return ev.chatType === "private" ? "commands" : null;
}

/** Take a token from the user's bucket; over the limit, the first refusal is told politely, the rest silent. */
async function withinLimit(
  r: Repos,
  ev: ChatEvent,
  kind: LimitKind,
  now: Date,
  opts: ChatDeskOptions,
): Promise<boolean> {
  const key = `chat-rate:${kind}:${who(ev)}`;
  const limit = opts.limits[kind];
  const decision = takeToken(parseBucket(await r.meta.get(key)), limit, now.getTime());
  await r.meta.set(key, JSON.stringify(decision.state));
  if (decision.notify) {
    await reply(
      r,
      ev,
      `Anh/chị đã gửi quá nhiều ${LIMIT_VI[kind]} trong thời gian ngắn (tối đa ${limit.limit} trong ${limit.windowMinutes} phút). Bot tạm dừng xử lý ${LIMIT_VI[kind]} của anh/chị khoảng ${minutesUntilToken(decision.state, limit)} phút; việc gấp xin gọi trực tiếp bộ phận kỹ thuật.`,
      now,
    );
  }
  return decision.allowed;
}

async function freeText(
  desk: Desk,
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  now: Date,
  opts: ChatDeskOptions,
) {
  const category = classify(ev.text);
  if (category === "other") {
    // Groups are for people: the bot speaks only when it has something to do.
    if (ev.chatType === "private") await reply(r, ev, `Bot chưa hiểu yêu cầu. ${HELP_TEXT}`, now);
    return;
  }
  if (!person) return strangerReport(desk, r, ev, category, now, opts);
  if (!person.endpoint) {
    await reply(
      r,
      ev,
      "Tài khoản của anh/chị thuộc bộ phận kỹ thuật, không gắn với điểm cầu; sự cố cần được báo từ điểm cầu.",
      now,
    );
    return;
  }
  const joined = await r.incidents.openAt(
    person.endpoint,
    category,
    new Date(now.getTime() - opts.joinMinutes * 60_000),
  );
  if (joined) {
    await r.incidents.addEvent(joined.code, {
      at: now,
      actor: who(ev),
      channel: ev.platform,
      action: "reported-again",
      note: ev.text,
    });
    await reply(
      r,
      ev,
      `Sự cố này đã được ghi nhận trong ${joined.code} (${INCIDENT_STATUS_VI[joined.status]}); bot đã bổ sung phản ánh của anh/chị.`,
      now,
    );
    return;
  }
  const year = DateTime.fromJSDate(now, { zone: desk.reg.zone }).year;
  const code = incidentCode(year, await r.bookings.nextSeq(`incident-${year}`));
  const booking = await liveBookingAt(r, person.endpoint, now);
  const route = routeOf(category);
  const incident: Incident = {
    code,
    endpoint: person.endpoint,
    booking: booking?.code ?? null,
    category,
    route,
    status: "open",
    reporter: who(ev),
    text: ev.text,
    assignee: null,
    openedAt: now,
    updatedAt: now,
  };
  await r.incidents.save(incident);
  await r.incidents.addEvent(code, {
    at: now,
    actor: who(ev),
    channel: ev.platform,
    action: "opened",
    note: ev.text,
  });
  // Điều 5.2: during a secret session neither the endpoint nor the reporter is tied to it in chat.
  const secret = booking?.request.secret ?? false;
  const where = secret
    ? `một điểm cầu của phiên mật ${booking!.code}`
    : `${person.endpoint}${booking ? `, phiên ${booking.code}` : ""}`;
  await reply(
    r,
    ev,
    secret
      ? `Đã tiếp nhận sự cố ${code} (${CATEGORY_VI[category]}); đã chuyển ${ROUTE_VI[route]}.`
      : `Đã tiếp nhận sự cố ${code} (${CATEGORY_VI[category]}) tại ${where}; đã chuyển ${ROUTE_VI[route]}.`,
    now,
  );
  await deskNotice(
    r,
    route === "wan" ? "wan-duty" : "mcu-technician",
    `Sự cố mới ${code} (${CATEGORY_VI[category]}) tại ${where}${secret ? "" : `, do ${ev.userName} báo`}.`,
    now,
    code,
    incidentButtons(code),
  );
  if (booking) {
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    await r.jobs.schedule(
      { kind: INCIDENT_JOB.reminder, key: code, runAt: at(opts.ackReminderMinutes) },
      now,
    );
    await r.jobs.schedule({ kind: INCIDENT_JOB.escalate, key: code, runAt: at(opts.escalateMinutes) }, now);
  }
}

/**
 * A fault from a chat account not in the directory: it may be real, so it is recorded for the desk as an
 * unverified incident (no endpoint, no session, no timers) and the reporter is asked to register.
 */
async function strangerReport(
  desk: Desk,
  r: Repos,
  ev: ChatEvent,
  category: Exclude<ReturnType<typeof classify>, "other">,
  now: Date,
  opts: ChatDeskOptions,
) {
  const register =
    "Tài khoản của anh/chị chưa gắn với điểm cầu nào: đề nghị gửi /dangky <mã điểm cầu> để quản trị viên duyệt, hoặc gọi trực tiếp bộ phận kỹ thuật.";
  const joined = await r.incidents.openByReporter(
    who(ev),
    category,
    new Date(now.getTime() - opts.joinMinutes * 60_000),
  );
  if (joined) {
    await r.incidents.addEvent(joined.code, {
      at: now,
      actor: who(ev),
      channel: ev.platform,
      action: "reported-again",
      note: ev.text,
    });
    await reply(r, ev, `Phản ánh này đã được ghi vào sự cố ${joined.code} (chưa xác minh). ${register}`, now);
    return;
  }
  const year = DateTime.fromJSDate(now, { zone: desk.reg.zone }).year;
  const code = incidentCode(year, await r.bookings.nextSeq(`incident-${year}`));
  const route = routeOf(category);
  await r.incidents.save({
    code,
    endpoint: null,
    booking: null,
    category,
    route,
    status: "open",
    reporter: who(ev),
    text: ev.text,
    assignee: null,
    unverified: true,
    openedAt: now,
    updatedAt: now,
  });
  await r.incidents.addEvent(code, {
    at: now,
    actor: who(ev),
    channel: ev.platform,
    action: "opened-unverified",
    note: ev.text,
  });
  await reply(
    r,
    ev,
    `Chào ${ev.userName}, bot đã ghi nhận phản ánh thành sự cố ${code} (${CATEGORY_VI[category]}, chưa xác minh) và chuyển ${ROUTE_VI[route]}. ${register}`,
    now,
  );
  const said = ev.text.length > 200 ? `${ev.text.slice(0, 200)}…` : ev.text;
  await deskNotice(
    r,
    route === "wan" ? "wan-duty" : "mcu-technician",
    `Sự cố mới ${code} (${CATEGORY_VI[category]}) — CHƯA XÁC MINH: tài khoản ${ev.platform} chưa đăng ký «${ev.userName}» báo «${said}». Đề nghị liên hệ xác minh điểm cầu.`,
    now,
    code,
    incidentButtons(code),
  );
}

async function command(
  desk: Desk,
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command,
  now: Date,
  opts: ChatDeskOptions,
) {
  const zone = desk.reg.zone;
  switch (cmd.name) {
    case "tro_giup":
    case "trogiup":
    case "help":
    case "start":
      return reply(r, ev, HELP_TEXT, now);
    case "dangky": {
      const code = (cmd.args[0] ?? "").toUpperCase();
      const snapshot = await r.directory.snapshot();
      if (!code || !snapshot.hasEndpoint(code)) {
        return reply(
          r,
          ev,
          `Mã điểm cầu «${cmd.args[0] ?? ""}» không có trong danh bạ. Cách dùng: /dangky <mã điểm cầu>, ví dụ /dangky CX-00008.`,
          now,
        );
      }
      await r.incidents.requestLink(
        { platform: ev.platform, userId: ev.userId, name: ev.userName, endpoint: code },
        now,
      );
      const pending = (await r.incidents.pendingLinks()).find(
        (l) => l.platform === ev.platform && l.userId === ev.userId,
      )!;
      await registrationNotice(
        r,
        pending.id,
        `${ev.userName} (${ev.platform}) xin gắn với điểm cầu ${code}`,
        now,
        opts,
      );
      return reply(
        r,
        ev,
        `Đã gửi yêu cầu đăng ký với điểm cầu ${code} (số ${pending.id}); quản trị viên sẽ duyệt.`,
        now,
      );
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
      if (list.length === 0) return reply(r, ev, "Hôm nay không có phiên họp trực tuyến nào.", now);
      return reply(
        r,
        ev,
        [
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
        return reply(r, ev, `Không tìm thấy phiên họp «${cmd.rest}». Cách dùng: /phien HTT-2026-0042.`, now);
      return reply(r, ev, sessionLine(b, zone), now);
    }
    case "sansang": {
      const code = parseBookingCode(cmd.rest);
      const b = code ? await r.bookings.get(code) : null;
      if (!b)
        return reply(
          r,
          ev,
          `Không tìm thấy phiên họp «${cmd.rest}». Cách dùng: /sansang HTT-2026-0042.`,
          now,
        );
      const endpoints = [b.hostEndpoint, ...b.request.participants];
      if (!person?.endpoint || !endpoints.includes(person.endpoint)) {
        return reply(r, ev, `Tài khoản của anh/chị không gắn với điểm cầu nào của phiên ${b.code}.`, now);
      }
      await r.bookings.addEvent(b.code, {
        at: now,
        from: b.status,
        to: b.status,
        actor: who(ev),
        channel: ev.platform,
        reason: `điểm cầu ${person.endpoint} sẵn sàng (Điều 12.2c)`,
      });
      // Điều 5.2: the group does not learn which endpoint takes part in a secret session.
      if (b.request.secret)
        return reply(r, ev, `Đã ghi nhận xác nhận sẵn sàng cho phiên mật ${b.code}.`, now);
      return reply(r, ev, `Đã ghi nhận điểm cầu ${person.endpoint} sẵn sàng cho phiên ${b.code}.`, now);
    }
    case "suco":
      return ownIncidents(r, ev, person, now);
    case "nhan":
    case "chuyen":
    case "xong":
    case "mo":
      return incidentAction(desk, r, ev, person, cmd, now, opts);
    case "bangiao":
    case "batdau":
    case "ketthuc":
    case "tatmic":
    case "batmic":
    case "bocuc":
    case "goilai":
      return sessionAction(r, ev, person, cmd, now);
    default:
      return reply(r, ev, `Lệnh /${cmd.name} không tồn tại. Gõ /tro_giup để xem các lệnh.`, now);
  }
}

const NOT_REGISTERED =
  "Tài khoản của anh/chị chưa đăng ký với điểm cầu nào nên bot không hiển thị lịch họp hay sự cố. Gửi /dangky <mã điểm cầu> để quản trị viên duyệt.";

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
  const open = (await r.incidents.list()).filter(
    (i) => i.status !== "resolved" && (desk || (person.endpoint !== null && i.endpoint === person.endpoint)),
  );
  if (open.length === 0) return reply(r, ev, "Không có sự cố nào đang mở.", now);
  return reply(
    r,
    ev,
    [
      `Sự cố đang mở (${open.length}):`,
      ...open.map(
        (i) =>
          `• ${i.code} — ${CATEGORY_VI[i.category]} tại ${i.endpoint ?? "điểm cầu chưa rõ"}${i.unverified ? " (chưa xác minh)" : ""}: ${INCIDENT_STATUS_VI[i.status]}`,
      ),
    ].join("\n"),
    now,
  );
}

const REGISTRATION_STATE = "chat:registration-notices";
const DIGEST_LISTED = 5;

interface RegistrationNotices {
  /** The current window ends here (ms); the first request of a window is posted at once. */
  windowEnd: number;
  /** Requests held for the digest at the window's end. */
  held: number[];
}

function parseNotices(raw: string | null): RegistrationNotices {
  try {
    const v = raw ? (JSON.parse(raw) as Partial<RegistrationNotices>) : null;
    if (v && typeof v.windowEnd === "number" && Array.isArray(v.held))
      return { windowEnd: v.windowEnd, held: v.held.filter((x): x is number => typeof x === "number") };
  } catch {
    // An unreadable row starts a new window rather than stopping registrations.
  }
  return { windowEnd: 0, held: [] };
}

/**
 * A registration request tells the admins in the group, but a flood of `/dangky` must not flood the group:
 * the first request of a window is posted at once, the rest wait for one digest at the end of the window
 * (a job), which lists a few and counts the others.
 */
async function registrationNotice(r: Repos, id: number, what: string, now: Date, opts: ChatDeskOptions) {
  const state = parseNotices(await r.meta.get(REGISTRATION_STATE));
  if (now.getTime() < state.windowEnd) {
    if (!state.held.includes(id)) state.held.push(id);
    await r.meta.set(REGISTRATION_STATE, JSON.stringify(state));
    return;
  }
  // A new window; requests still held from the last one stay held for its digest (or this one's).
  const windowEnd = now.getTime() + opts.registrationNoticeMinutes * 60_000;
  await r.meta.set(REGISTRATION_STATE, JSON.stringify({ windowEnd, held: state.held }));
  await r.jobs.schedule(
    { kind: INCIDENT_JOB.registrationDigest, key: "registrations", runAt: new Date(windowEnd) },
    now,
  );
  await deskNotice(r, "admin", `Yêu cầu đăng ký số ${id}: ${what}. Duyệt: /duyet ${id} technician`, now, "");
}

async function registrationDigest(r: Repos, now: Date) {
  const state = parseNotices(await r.meta.get(REGISTRATION_STATE));
  if (state.held.length === 0) return;
  await r.meta.set(REGISTRATION_STATE, JSON.stringify({ ...state, held: [] }));
  const pending = (await r.incidents.pendingLinks()).filter((l) => state.held.includes(l.id));
  if (pending.length === 0) return;
  const listed = pending.slice(0, DIGEST_LISTED);
  const more = pending.length - listed.length;
  await deskNotice(
    r,
    "admin",
    [
      `Có thêm ${pending.length} yêu cầu đăng ký đang chờ duyệt:`,
      ...listed.map((l) => `• số ${l.id}: ${l.name} (${l.platform}) xin gắn với điểm cầu ${l.endpoint}`),
      ...(more > 0 ? [`và ${more} yêu cầu đăng ký khác.`] : []),
      "Duyệt: /duyet <số> technician (hoặc leader).",
    ].join("\n"),
    now,
    "",
  );
}

const ROLE_VI: Record<string, string> = {
  leader: "lãnh đạo",
  technician: "cán bộ kỹ thuật",
  "mcu-technician": "cán bộ kỹ thuật MCU",
  "wan-duty": "trực ban mạng WAN",
  admin: "quản trị viên",
};

/**
 * `/duyet <số> [leader|technician] [thay|them]`. Without `thay`/`them`, an approval that would take a chat link
 * from someone (the endpoint's person already has an account on this platform, or the applicant's account
 * belongs to another person) changes nothing and names who holds it now.
 */
async function approve(r: Repos, ev: ChatEvent, person: ChatPerson | null, cmd: Command, now: Date) {
  if (person?.role !== "admin") return reply(r, ev, "Chỉ quản trị viên mới duyệt được đăng ký.", now);
  const words = cmd.args.slice(1).map((a) => fold(a));
  const role = words.some((w) => w === "leader" || w === "lanh dao" || w === "lanhdao")
    ? "leader"
    : "technician";
  const mode = words.includes("thay") ? "replace" : words.includes("them") ? "add" : "new";
  const unknown = words.filter(
    (w) => !["leader", "lanhdao", "lanh dao", "technician", "kythuat", "thay", "them"].includes(w),
  );
  if (unknown.length || (words.includes("thay") && words.includes("them")))
    return reply(
      r,
      ev,
      `Không hiểu «${cmd.args.slice(1).join(" ")}». Cách dùng: /duyet <số> [leader|technician] [thay|them].`,
      now,
    );
  const id = Number(cmd.args[0]);
  const outcome = Number.isInteger(id)
    ? await r.incidents.approveLink(id, role, who(ev), now, mode)
    : ({ kind: "missing" } as const);
  if (outcome.kind === "missing")
    return reply(r, ev, `Không có yêu cầu đăng ký đang chờ số «${cmd.args[0] ?? ""}».`, now);
  const { link } = outcome;
  const platform = link.platform === "telegram" ? "Telegram" : "Zalo";
  const roleVi = ROLE_VI[role]!;
  if (outcome.kind === "conflict") {
    const lines = [`Chưa duyệt yêu cầu số ${id} (${link.name} xin làm ${roleVi} điểm cầu ${link.endpoint}):`];
    if (outcome.holder)
      lines.push(
        `• ${roleVi} điểm cầu ${link.endpoint} hiện là ${outcome.holder.name}, đã gắn tài khoản ${platform}.`,
        `Gõ /duyet ${id}${role === "leader" ? " leader" : ""} thay — thay tài khoản của ${outcome.holder.name} bằng tài khoản của ${link.name} (ghi nhật ký);`,
        `hoặc /duyet ${id}${role === "leader" ? " leader" : ""} them — thêm ${link.name} làm ${roleVi} thứ hai của điểm cầu.`,
      );
    if (outcome.owner)
      lines.push(
        `• Tài khoản ${platform} này đang gắn với ${outcome.owner.name} (${ROLE_VI[outcome.owner.role] ?? outcome.owner.role}${outcome.owner.endpoint ? ` điểm cầu ${outcome.owner.endpoint}` : ""}); duyệt bằng «thay» hoặc «them» sẽ chuyển tài khoản khỏi người đó (ghi nhật ký).`,
      );
    if (!outcome.holder) lines.push(`Gõ /duyet ${id}${role === "leader" ? " leader" : ""} thay để xác nhận.`);
    return reply(r, ev, lines.join("\n"), now);
  }
  const notes = [
    outcome.replaced
      ? ` Tài khoản ${platform} cũ của ${outcome.replaced.name} đã bị thay (đã ghi nhật ký).`
      : "",
    outcome.added ? ` ${link.name} là ${roleVi} thứ hai của điểm cầu.` : "",
    outcome.movedFrom ? ` Tài khoản đã được chuyển khỏi ${outcome.movedFrom.name}.` : "",
  ].join("");
  return reply(r, ev, `Đã duyệt: ${link.name} là ${roleVi} điểm cầu ${link.endpoint}.${notes}`, now);
}

async function incidentAction(
  _desk: Desk,
  r: Repos,
  ev: ChatEvent,
  person: ChatPerson | null,
  cmd: Command,
  now: Date,
  _opts: ChatDeskOptions,
) {
  if (!person || !DESK_ROLES.includes(person.role)) {
    return reply(
      r,
      ev,
      "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN hoặc quản trị viên mới thao tác được với sự cố.",
      now,
    );
  }
  const m = INCIDENT_CODE_RE.exec(cmd.args[0] ?? "");
  const inc = m ? await r.incidents.get(`SC-${m[1]}-${m[2]}`) : null;
  if (!inc)
    return reply(
      r,
      ev,
      cmd.args[0]
        ? `Không tìm thấy sự cố «${cmd.args[0]}». Ví dụ: ${INCIDENT_USAGE[cmd.name] ?? `/${cmd.name} SC-2026-0123`}.`
        : `Thiếu mã sự cố. Cách dùng: ${INCIDENT_USAGE[cmd.name] ?? `/${cmd.name} SC-2026-0123`}.`,
      now,
    );
  const actor = who(ev);
  let next: Incident;
  let told: string;
  switch (cmd.name) {
    case "nhan":
      if (inc.status === "resolved")
        return reply(r, ev, `Sự cố ${inc.code} đã khắc phục; dùng /mo ${inc.code} để mở lại.`, now);
      next = { ...inc, status: "acknowledged", assignee: actor, updatedAt: now };
      told = `${person.name} đã nhận xử lý sự cố ${inc.code}.`;
      break;
    case "chuyen": {
      const usage = `Cách dùng: /chuyen ${inc.code} wan, /chuyen ${inc.code} mcu hoặc /chuyen ${inc.code} @tên (tên một cán bộ kỹ thuật MCU, trực ban WAN hoặc quản trị viên trong danh bạ).`;
      const target = await transferTarget(r, cmd.args.slice(1).join(" "));
      if (target.kind === "none") return reply(r, ev, usage, now);
      if (target.kind === "refused")
        return reply(r, ev, `Không chuyển được sự cố ${inc.code}: ${target.why} ${usage}`, now);
      next = {
        ...inc,
        status: "dispatched",
        route: target.route ?? inc.route,
        assignee: target.assignee,
        updatedAt: now,
      };
      told = `Sự cố ${inc.code} đã được chuyển cho ${target.label}.`;
      await deskNotice(
        r,
        target.role,
        `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${await incidentPlace(r, inc)} được chuyển cho ${target.label}.`,
        now,
        inc.code,
        incidentButtons(inc.code),
      );
      break;
    }
    case "xong": {
      const note = cmd.args.slice(1).join(" ").trim();
      if (inc.status === "resolved") return reply(r, ev, `Sự cố ${inc.code} đã khắc phục trước đó.`, now);
      next = { ...inc, status: "resolved", updatedAt: now };
      told = `Sự cố ${inc.code} đã khắc phục${note ? `: ${note}` : ""}.`;
      break;
    }
    default:
      if (inc.status !== "resolved") return reply(r, ev, `Sự cố ${inc.code} đang mở.`, now);
      next = { ...inc, status: "open", assignee: null, updatedAt: now };
      told = `Sự cố ${inc.code} được mở lại.`;
  }
  await r.incidents.save(next);
  await r.incidents.addEvent(inc.code, {
    at: now,
    actor,
    channel: ev.platform,
    action: cmd.name,
    note: cmd.args.slice(1).join(" ") || null,
  });
  if (next.status !== "open") {
    await r.jobs.cancel(INCIDENT_JOB.reminder, inc.code);
    await r.jobs.cancel(INCIDENT_JOB.escalate, inc.code);
  }
  // The reporter is told at each step, in the group where the fault was reported.
  await r.outbox.enqueue(
    { channel: "group", recipient: "support-group", kind: "incident-update", payload: { text: told } },
    now,
  );
  if (ev.chatType === "private") await reply(r, ev, told, now);
}

type TransferTarget =
  | { kind: "none" }
  | { kind: "refused"; why: string }
  | { kind: "ok"; label: string; role: string; assignee: string; route: "wan" | "mcu" | null };

/**
 * `/chuyen` hands a fault only to a desk role (`wan`, `mcu`) or a desk person named as in the directory
 * (`@Đỗ Văn Khánh`, `@dovankhanh`; diacritics, case and spaces do not matter). Anything else is refused, so
 * a fault is never "handed" to a name nobody reads.
 */
async function transferTarget(r: Repos, raw: string): Promise<TransferTarget> {
  const text = raw.trim().replace(/^@/, "");
  if (!text) return { kind: "none" };
  const key = fold(text).replace(/ /g, "");
  if (key === "wan")
    return { kind: "ok", label: ROUTE_VI.wan, role: "wan-duty", assignee: "wan-duty", route: "wan" };
  if (key === "mcu")
    return {
      kind: "ok",
      label: ROUTE_VI.mcu,
      role: "mcu-technician",
      assignee: "mcu-technician",
      route: "mcu",
    };
  const matches = (await r.incidents.deskPeople(DESK_ROLES)).filter(
    (p) => fold(p.name).replace(/ /g, "") === key,
  );
  if (matches.length === 0)
    return { kind: "refused", why: `«${raw.trim()}» không phải bộ phận hay cán bộ trực trong danh bạ.` };
  if (matches.length > 1)
    return {
      kind: "refused",
      why: `«${raw.trim()}» trùng tên ${matches.length} cán bộ (${matches.map((p) => ROLE_VI[p.role] ?? p.role).join(", ")}); hãy chuyển cho bộ phận (wan hoặc mcu).`,
    };
  const p = matches[0]!;
  return {
    kind: "ok",
    label: `${p.name} (${ROLE_VI[p.role] ?? p.role})`,
    role: p.role,
    assignee: `person:${p.personId}`,
    route: p.role === "wan-duty" ? "wan" : p.role === "mcu-technician" ? "mcu" : null,
  };
}

const OPS: Record<string, string> = {
  tatmic: "mute",
  batmic: "unmute",
  bocuc: "layout",
  goilai: "reconnect",
  batdau: "start",
  ketthuc: "end",
};

/** The MCU technician's session commands: handover of the recording, and operator commands for the MCU. */
async function sessionAction(r: Repos, ev: ChatEvent, person: ChatPerson | null, cmd: Command, now: Date) {
  if (!person || !["mcu-technician", "admin"].includes(person.role)) {
    return reply(r, ev, "Chỉ cán bộ kỹ thuật MCU hoặc quản trị viên mới điều khiển được phiên họp.", now);
  }
  const code = parseBookingCode(cmd.args[0] ?? "");
  const b = code ? await r.bookings.get(code) : null;
  if (!b)
    return reply(
      r,
      ev,
      `Không tìm thấy phiên họp «${cmd.args[0] ?? ""}». Ví dụ: /${cmd.name} HTT-2026-0042.`,
      now,
    );
  if (cmd.name === "bangiao") {
    if (b.status !== "ended" || !b.request.recording) {
      return reply(
        r,
        ev,
        `Phiên ${b.code} không có bản ghi chờ bàn giao (trạng thái: ${STATUS_VI[b.status]}).`,
        now,
      );
    }
    await moveTo(
      r,
      b,
      "handed-over",
      { id: who(ev), channel: ev.platform },
      "đã bàn giao bản ghi (Điều 14.2)",
      now,
    );
    const host = b.request.secret ? "cơ quan chủ trì" : (b.request.host ?? "cơ quan chủ trì");
    return reply(r, ev, `Đã ghi nhận bàn giao bản ghi phiên ${b.code} cho ${host}.`, now);
  }
  if (cmd.name === "batdau" || cmd.name === "ketthuc") {
    const starting = cmd.name === "batdau";
    const ok = starting ? ["confirmed", "checked"].includes(b.status) : b.status === "live";
    if (!ok) {
      const verb = starting ? "bắt đầu" : "kết thúc";
      return reply(r, ev, `Không thể ${verb} phiên ${b.code} ở trạng thái «${STATUS_VI[b.status]}».`, now);
    }
    const op = OPS[cmd.name]!;
    await r.outbox.enqueue(
      {
        channel: "mcu",
        recipient: "mcu",
        kind: `mcu-${op}`,
        booking: b.code,
        payload: { op, booking: b.code },
      },
      now,
    );
    return reply(r, ev, `Đã chuyển lệnh ${starting ? "bắt đầu" : "kết thúc"} phiên ${b.code} cho MCU.`, now);
  }
  if (b.status !== "live")
    return reply(r, ev, `Phiên ${b.code} không đang diễn ra (${STATUS_VI[b.status]}).`, now);
  const arg = cmd.args[1];
  if (!arg)
    return reply(
      r,
      ev,
      `Thiếu ${cmd.name === "bocuc" ? "bố cục" : "mã điểm cầu"}: /${cmd.name} ${b.code} ${cmd.name === "bocuc" ? "<bố cục>" : "<mã điểm cầu>"}.`,
      now,
    );
  const payload =
    cmd.name === "bocuc"
      ? { op: OPS[cmd.name], booking: b.code, layout: arg }
      : { op: OPS[cmd.name], booking: b.code, endpoint: arg.toUpperCase() };
  await r.outbox.enqueue(
    { channel: "mcu", recipient: "mcu", kind: `mcu-${OPS[cmd.name]}`, booking: b.code, payload },
    now,
  );
  return reply(r, ev, `Đã chuyển lệnh ${cmd.name} cho MCU (phiên ${b.code}).`, now);
}

/** Timers of an incident during a live session: remind the duty, then escalate to the admin. */
export function incidentJobHandlers(): Record<
  string,
  (job: { key: string }, r: Repos, now: Date) => Promise<void>
> {
  const handler = (escalate: boolean) => async (job: { key: string }, r: Repos, now: Date) => {
    const inc = await r.incidents.get(job.key);
    if (inc?.status !== "open") return;
    const role = escalate ? "admin" : inc.route === "wan" ? "wan-duty" : "mcu-technician";
    const place = await incidentPlace(r, inc);
    const text = escalate
      ? `Báo động: sự cố ${inc.code} tại ${place} trong phiên ${inc.booking} vẫn chưa có người nhận xử lý.`
      : `Nhắc việc: sự cố ${inc.code} tại ${place} (phiên ${inc.booking}) chưa có người nhận. Gõ /nhan ${inc.code}.`;
    await r.incidents.addEvent(inc.code, {
      at: now,
      actor: "system",
      channel: "system",
      action: escalate ? "escalated" : "reminded",
    });
    await deskNotice(r, role, text, now, inc.code, incidentButtons(inc.code));
  };
  return {
    [INCIDENT_JOB.reminder]: handler(false),
    [INCIDENT_JOB.escalate]: handler(true),
    [INCIDENT_JOB.registrationDigest]: async (_job, r, now) => registrationDigest(r, now),
  };
}
