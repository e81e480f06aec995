import { DateTime } from "luxon";
import { type Desk, moveTo } from "../app/desk.js";
import { parseBookingCode } from "../core/booking/code.js";
import { STATUS_VI } from "../core/booking/state.js";
import type { Booking } from "../core/booking/types.js";
import { atLocal, formatRangeVi } from "../core/calendar/zone.js";
import { CATEGORY_VI, classify, routeOf } from "../core/incident/classify.js";
import { INCIDENT_CODE_RE, INCIDENT_STATUS_VI, type Incident, incidentCode } from "../core/incident/types.js";
import type { ChatPerson, Platform } from "../store/incident-repo.js";
import type { Repos } from "../store/store.js";
import { buttonData, type Command, HELP_TEXT, parseButton, parseCommand } from "./commands.js";

/** One inbound chat update, whatever the platform. */
export interface ChatEvent {
  platform: Platform;
  chatId: string;
  chatType: "group" | "private";
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
}

export const DEFAULT_CHAT_OPTIONS: ChatDeskOptions = {
  joinMinutes: 10,
  ackReminderMinutes: 5,
  escalateMinutes: 10,
};

const ROUTE_VI = { wan: "Trực ban mạng WAN (Sở Khoa học và Công nghệ)", mcu: "Kỹ thuật MCU" } as const;
const DESK_ROLES = ["mcu-technician", "wan-duty", "admin"];

export const INCIDENT_JOB = { reminder: "incident-ack-reminder", escalate: "incident-escalate" } as const;

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
    if (cmd) await command(desk, r, ev, person, cmd, now, opts);
    else await freeText(desk, r, ev, person, now, opts);
    await r.inbound.settle(ev.platform, ev.updateId, "handled", null);
    return { duplicate: false };
  });
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
  if (!person) {
    await reply(
      r,
      ev,
      `Chào ${ev.userName}, tài khoản của anh/chị chưa gắn với điểm cầu nào nên bot chưa thể ghi nhận sự cố. Đề nghị gửi /dangky <mã điểm cầu> để quản trị viên duyệt, hoặc gọi trực tiếp bộ phận kỹ thuật.`,
      now,
    );
    return;
  }
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
      await deskNotice(
        r,
        "admin",
        `Yêu cầu đăng ký số ${pending.id}: ${ev.userName} (${ev.platform}) xin gắn với điểm cầu ${code}. Duyệt: /duyet ${pending.id} technician`,
        now,
        "",
      );
      return reply(
        r,
        ev,
        `Đã gửi yêu cầu đăng ký với điểm cầu ${code} (số ${pending.id}); quản trị viên sẽ duyệt.`,
        now,
      );
    }
    case "duyet": {
      if (person?.role !== "admin") return reply(r, ev, "Chỉ quản trị viên mới duyệt được đăng ký.", now);
      const id = Number(cmd.args[0]);
      const role = cmd.args[1] === "leader" ? "leader" : "technician";
      const link = Number.isInteger(id) ? await r.incidents.approveLink(id, role, who(ev)) : null;
      if (!link) return reply(r, ev, `Không có yêu cầu đăng ký đang chờ số «${cmd.args[0] ?? ""}».`, now);
      return reply(
        r,
        ev,
        `Đã duyệt: ${link.name} là ${role === "leader" ? "lãnh đạo" : "cán bộ kỹ thuật"} điểm cầu ${link.endpoint}.`,
        now,
      );
    }
    case "lich": {
      const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
      const from = atLocal(day, "00:00", zone);
      const list = await r.bookings.list({
        from,
        to: new Date(from.getTime() + 24 * 3600_000),
        statuses: ["confirmed", "checked", "live", "ended", "needs-review"],
      });
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
      const b = code ? await r.bookings.get(code) : null;
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
      `Không tìm thấy sự cố «${cmd.args[0] ?? ""}». Ví dụ: /${cmd.name} SC-2026-0123.`,
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
      const target = cmd.args[1];
      if (!target)
        return reply(r, ev, `Cách dùng: /chuyen ${inc.code} wan hoặc /chuyen ${inc.code} @tên.`, now);
      const toWan = target.toLowerCase() === "wan";
      next = {
        ...inc,
        status: "dispatched",
        route: toWan ? "wan" : inc.route,
        assignee: toWan ? "wan-duty" : target,
        updatedAt: now,
      };
      told = `Sự cố ${inc.code} đã được chuyển cho ${toWan ? ROUTE_VI.wan : target}.`;
      if (toWan)
        await deskNotice(
          r,
          "wan-duty",
          `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${await incidentPlace(r, inc)} được chuyển cho trực ban WAN.`,
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
  return { [INCIDENT_JOB.reminder]: handler(false), [INCIDENT_JOB.escalate]: handler(true) };
}
