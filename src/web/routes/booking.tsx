import { eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { convert } from "html-to-text";
import { cancelBooking, changeBooking, slotFromInput } from "../../app/booking/index.js";
import { DeskError } from "../../app/desk.js";
import { actorName } from "../../app/incident/timeline.js";
import { cleanChatText } from "../../bot/clean.js";
import { fieldVi } from "../../core/booking/rules.js";
import { STATUS_VI } from "../../core/booking/state.js";
import { REASON_VI, type ReasonCode } from "../../core/booking/types.js";
import { localDateOf, localTimeOf } from "../../core/calendar/zone.js";
import type { CalendarData } from "../../mail/smtp-sender.js";
import type { OutboxMessage } from "../../store/queue-repos.js";
import { requireRole, requireUser, type WebCtx, type WebEnv, type WebUser, webActor } from "../context.js";
import { flashOf, withFlash } from "../views/flash.js";
import { dateTime, slot } from "../views/format.js";
import { Csrf, Layout } from "../views/layout.js";
import { notFoundPage, shownCode } from "../views/not-found.js";
import { noMailboxRefusal } from "../views/refusal.js";
import { REVIEW_ROLES } from "./pending.js";

const CODE = /^HTT-\d{4}-\d{4,}$/;
/** The source shown on the page is cut here: a mail body longer than this is not read on a desk page. */
const MAX_TEXT = 20_000;

const CHANNEL_VI: Record<string, string> = {
  mail: "thư điện tử",
  telegram: "Telegram",
  zalo: "Zalo",
  cli: "dòng lệnh",
  system: "hệ thống",
  web: "web",
  group: "nhóm chat",
  direct: "tin nhắn riêng",
  desk: "bàn kỹ thuật",
  chat: "chat",
  mcu: "MCU",
};
const OUTBOX_STATUS_VI: Record<string, string> = {
  pending: "chờ gửi",
  sent: "đã gửi",
  parked: "gửi lỗi, đã dừng",
};
const PRIORITY_VI: Record<number, string> = {
  1: "thông thường",
  2: "khẩn (Điều 11)",
  3: "lãnh đạo Thành phố chủ trì (Điều 11.1)",
};

/** What an outbox row is, in Vietnamese: the page showed its code («booking-public», «booking-changed»). */
const KIND_VI: Record<string, string> = {
  "booking-confirmed": "xác nhận lịch họp",
  "booking-needs-review": "báo đang xem xét",
  "booking-needs-info": "đề nghị bổ sung thông tin",
  "booking-rejected": "từ chối lịch họp",
  "booking-cancelled": "hủy lịch họp",
  "booking-changed": "thay đổi lịch họp",
  "booking-public": "thông báo nhóm hỗ trợ",
  "booking-displaced": "nhường cho phiên ưu tiên",
  "booking-postponed": "hoãn lịch họp",
  "booking-lapsed": "hết hạn bổ sung",
  "booking-change-refused": "không thay đổi được",
  "booking-change-same": "thay đổi trùng lịch cũ",
  "booking-already-registered": "đã đăng ký trước đó",
  "booking-endpoint-unknown": "điểm cầu chưa xác định",
  "booking-time-without-day": "thiếu ngày họp",
  "technical-check": "kiểm tra kỹ thuật",
  "technical-check-missed": "chưa kiểm tra kỹ thuật",
  "check-ping": "nhắc xác nhận sẵn sàng",
  "check-missing": "điểm cầu chưa sẵn sàng",
  "answer-reminder": "nhắc hạn trả lời",
  "answer-breach": "quá hạn trả lời",
  "info-reminder": "nhắc bổ sung thông tin",
  "recording-handover": "bàn giao bản ghi",
  "handover-today": "hạn bàn giao bản ghi",
  "reply-capped": "ngừng trả lời tự động",
  "incident-ack": "tiếp nhận sự cố",
  "incident-update": "cập nhật sự cố",
  "mcu-incident": "sự cố MCU",
  "mcu-mute": "lệnh MCU: tắt micrô",
  "mcu-unmute": "lệnh MCU: bật micrô",
  "mcu-layout": "lệnh MCU: bố cục",
  "mcu-reconnect": "lệnh MCU: gọi lại",
  "mcu-start": "lệnh MCU: bắt đầu phiên",
  "mcu-end": "lệnh MCU: kết thúc phiên",
};

/** An outbox row's kind for the page: a copy to another mailbox says so; an unknown kind shows no code. */
export function kindVi(kind: string): string {
  const copy = kind.endsWith("-copy");
  const base = copy ? kind.slice(0, -"-copy".length) : kind;
  const text = KIND_VI[base] ?? (base.startsWith("mcu-") ? "lệnh MCU" : "thông báo");
  return copy ? `${text} (bản sao)` : text;
}

/**
 * The desk's own actors (the system, a web login, the CLI) may be named on a secret session's trail; a mailbox or
 * a chat account would say which agency or endpoint takes part (Điều 5.2).
 */
function deskActor(actor: string): boolean {
  return actor === "system" || /^(?:web|cli):/.test(actor);
}

function yesNo(v: boolean | undefined): string {
  return v ? "có" : "không";
}

/** What the row is about, as a person reads it: a mail's subject, or the first line of a chat message. */
function subjectOf(m: OutboxMessage): string {
  const thread = m.payload.thread as { subject?: string } | null | undefined;
  if (m.channel === "mail" && thread?.subject) return thread.subject;
  const text = String(m.payload.text ?? "");
  const first = text.split("\n", 1)[0] ?? "";
  return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}

/** The latest invite the desk mailed for this booking, as stored in the outbox. */
function lastInvite(messages: OutboxMessage[]): CalendarData | null {
  const m = messages.filter((x) => x.channel === "mail" && x.payload.calendar).at(-1);
  return (m?.payload.calendar as CalendarData | undefined) ?? null;
}

/** The text of the original mail: the plain part, or the HTML part turned into text (never rendered as HTML). */
async function mailText(
  raw: Buffer,
): Promise<{ from: string; subject: string; date: Date | null; text: string }> {
  // Loaded on first use: mailparser (iconv-lite, libmime) is not part of the desk's start-up.
  const { simpleParser } = await import("mailparser");
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true });
  const text = mail.text ?? (typeof mail.html === "string" ? convert(mail.html, { wordwrap: false }) : "");
  return {
    from: mail.from?.text ?? "",
    subject: mail.subject ?? "",
    date: mail.date ?? null,
    text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n…` : text,
  };
}

async function load(ctx: WebCtx, code: string) {
  return ctx.desk.store.read(async (r, c) => {
    const booking = await r.bookings.get(code);
    if (!booking) return null;
    const { inboundMessages } = c.t;
    const inbound = (await c.db.select().from(inboundMessages).where(eq(inboundMessages.booking, code))).sort(
      (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime(),
    );
    const events = await r.bookings.events(code);
    // Who acted, as the incident timeline names them: «system» and «web:mcu1.ttth@…» read as code on the page.
    const actors = new Map<string, string>();
    for (const e of events) if (!actors.has(e.actor)) actors.set(e.actor, (await actorName(r, e.actor)).who);
    return {
      booking,
      events,
      actors,
      messages: await r.outbox.list({ booking: code }),
      inbound,
      directory: await r.directory.snapshot(),
    };
  });
}

function Row(p: { label: string; children?: unknown }) {
  return (
    <tr>
      <th scope="row">{p.label}</th>
      <td>{p.children as never}</td>
    </tr>
  );
}

/** The move and cancel forms' fields as typed (the move's day and hours, the cancel's reason). */
interface Typed {
  ngay?: string;
  tu?: string;
  den?: string;
  reason?: string;
}

/** Statuses a technician may still cancel from the web desk (as with the CLI's «booking cancel»). */
const CANCELLABLE = new Set(["needs-info", "needs-review", "confirmed", "checked"]);

async function BookingPage(p: {
  ctx: WebCtx;
  user: WebUser;
  data: NonNullable<Awaited<ReturnType<typeof load>>>;
  flash?: { kind: "ok" | "error"; text: string } | null;
  /** What the person typed in the form that was refused: shown again, not the booking's own values. */
  typed?: Typed;
}) {
  const { booking: b, events, actors, messages, inbound, directory } = p.data;
  const typed = p.typed ?? {};
  const zone = p.ctx.desk.reg.zone;
  const r = b.request;
  const hidden = r.secret && p.user.role !== "admin";
  const name = (code: string) => {
    const e = directory.endpoint(code);
    return e ? `${code} (${e.name})` : `${code} (không có trong danh bạ)`;
  };
  const mails = hidden ? [] : await Promise.all(inbound.filter((m) => m.raw).map((m) => mailText(m.raw!)));
  const cal = lastInvite(messages);
  return (
    <Layout title={`Lịch họp ${b.code}`} user={p.user} current="/lich-noi-bo" flash={p.flash ?? null}>
      <p>
        Trạng thái: <strong>{STATUS_VI[b.status]}</strong> · họp {slot(r.start, r.end, zone)}
        {r.secret ? (
          <>
            {" "}
            · <strong>phiên họp mật</strong>
          </>
        ) : null}
      </p>
      <section aria-labelledby="yeu-cau">
        <h2 id="yeu-cau">Yêu cầu như bàn kỹ thuật hiểu</h2>
        {hidden ? (
          <p>
            <strong>phiên họp mật</strong>: chỉ quản trị viên xem được nội dung, cơ quan và điểm cầu (Điều
            5.2).
          </p>
        ) : (
          <div class="table-wrap">
            <table>
              <tbody>
                <Row label="Cơ quan chủ trì">{r.host ?? "chưa rõ"}</Row>
                <Row label="Điểm cầu chủ trì">{b.hostEndpoint ? name(b.hostEndpoint) : "chưa rõ"}</Row>
                <Row label="Điểm cầu tham dự">
                  {r.participants.length ? (
                    <ul class="endpoints">
                      {r.participants.map((c) => (
                        <li>{name(c)}</li>
                      ))}
                    </ul>
                  ) : (
                    "chưa rõ"
                  )}
                </Row>
                <Row label="Điểm cầu chưa xác định">{r.unresolved.join(", ") || "không"}</Row>
                <Row label="Bắt đầu">{dateTime(r.start, zone)}</Row>
                <Row label="Kết thúc">{dateTime(r.end, zone)}</Row>
                <Row label="Nội dung">{r.title ?? "chưa rõ"}</Row>
                <Row label="Đầu mối liên hệ">
                  {r.contact ? `${r.contact.name}, ${r.contact.phone}` : "chưa rõ"}
                </Row>
                <Row label="Khẩn">{yesNo(r.emergency)}</Row>
                <Row label="Mật">
                  {r.secretUnsure ? "có dấu hiệu mật chưa rõ, chờ cán bộ kỹ thuật xác định" : yesNo(r.secret)}
                </Row>
                <Row label="Ghi hình">{yesNo(r.recording)}</Row>
                <Row label="Phòng họp trực tuyến UBND TP">{yesNo(r.cityHallRoom)}</Row>
                <Row label="Hỗ trợ khác">{r.otherSupport ?? "không"}</Row>
                <Row label="Nhận lúc">{dateTime(r.receivedAt, zone)}</Row>
                <Row label="Kênh">{CHANNEL_VI[r.channel] ?? r.channel}</Row>
                <Row label="Người gửi">{r.sender}</Row>
                <Row label="Mức ưu tiên">{PRIORITY_VI[b.priority] ?? String(b.priority)}</Row>
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="quyet-dinh">
        <h2 id="quyet-dinh">Quyết định và lý do</h2>
        <p>{STATUS_VI[b.status]}</p>
        {b.reasons.length || b.missing.length ? (
          <ul>
            {b.reasons.map((code) => (
              <li>{REASON_VI[code as ReasonCode] ?? code}</li>
            ))}
            {b.missing.map((f) => (
              <li>Thiếu {fieldVi(f, b.request)}</li>
            ))}
          </ul>
        ) : (
          <p class="meta">Không có lý do nào cần lưu ý.</p>
        )}
      </section>
      <section aria-labelledby="thu-goc">
        <h2 id="thu-goc">Thư gốc</h2>
        {hidden ? (
          <p>Thư của phiên họp mật chỉ quản trị viên xem được.</p>
        ) : mails.length ? (
          mails.map((m) => (
            <article class="card">
              <p class="meta">
                Từ {m.from} · {m.date ? dateTime(m.date, zone) : "không rõ ngày"}
              </p>
              <p>
                <strong>{m.subject || "(không có tiêu đề)"}</strong>
              </p>
              <pre class="mail">{m.text}</pre>
            </article>
          ))
        ) : (
          <p class="meta">Yêu cầu này không đến bằng thư, hoặc thư gốc đã hết hạn lưu.</p>
        )}
      </section>
      <section aria-labelledby="da-gui">
        <h2 id="da-gui">Tin đã gửi ({messages.length})</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kênh</th>
                <th scope="col">Loại</th>
                <th scope="col">Lúc</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Tiêu đề</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr>
                  <td>{CHANNEL_VI[m.channel] ?? m.channel}</td>
                  <td>{kindVi(m.kind)}</td>
                  <td>{dateTime(m.sentAt ?? m.createdAt, zone)}</td>
                  <td>{OUTBOX_STATUS_VI[m.status] ?? m.status}</td>
                  <td>{hidden ? "phiên họp mật" : subjectOf(m)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="nhat-ky">
        <h2 id="nhat-ky">Nhật ký</h2>
        <ol class="timeline">
          {events.map((e) => {
            const who =
              hidden && !deskActor(e.actor) ? "(ẩn: phiên họp mật)" : (actors.get(e.actor) ?? e.actor);
            const channel = CHANNEL_VI[e.channel] ?? e.channel;
            return (
              <li>
                {dateTime(e.at, zone)} · {who === channel ? who : `${who} (${channel})`}:{" "}
                {e.from ? `${STATUS_VI[e.from]} → ` : ""}
                {STATUS_VI[e.to]}
                {e.reason && !hidden ? ` — ${e.reason}` : ""}
              </li>
            );
          })}
        </ol>
      </section>
      {CANCELLABLE.has(b.status) && REVIEW_ROLES.includes(p.user.role) ? (
        <section aria-labelledby="doi-gio">
          <h2 id="doi-gio">Đổi thời gian</h2>
          <p class="meta">
            Quy chế được xét lại với thời gian mới; nếu không bố trí được, lịch giữ nguyên và cơ quan đăng ký
            không nhận thư nào. Nếu được, cơ quan đăng ký nhận thư trả lời kèm thư mời đã sửa.
          </p>
          <form method="post" action={`/dat-lich/${b.code}/doi-gio`}>
            <Csrf user={p.user} />
            <label for="doi-ngay">Ngày</label>
            <input
              id="doi-ngay"
              name="ngay"
              type="date"
              required
              value={typed.ngay ?? (r.start ? localDateOf(r.start, zone) : "")}
            />
            <label for="doi-tu">Từ</label>
            <input
              id="doi-tu"
              name="tu"
              type="time"
              required
              value={typed.tu ?? (r.start ? localTimeOf(r.start, zone) : "")}
            />
            <label for="doi-den">Đến</label>
            <input
              id="doi-den"
              name="den"
              type="time"
              required
              value={typed.den ?? (r.end ? localTimeOf(r.end, zone) : "")}
            />
            <button type="submit">Đổi thời gian {b.code}</button>
          </form>
        </section>
      ) : null}
      {CANCELLABLE.has(b.status) && REVIEW_ROLES.includes(p.user.role) ? (
        <section aria-labelledby="huy-lich">
          <h2 id="huy-lich">Hủy lịch họp</h2>
          <form method="post" action={`/dat-lich/${b.code}/huy`}>
            <Csrf user={p.user} />
            <label for="ly-do-huy">
              {r.secret
                ? "Lý do hủy (ghi vào nhật ký; phiên họp mật: thư cho cơ quan đăng ký và nhóm hỗ trợ không nêu lý do)"
                : "Lý do hủy (gửi cho cơ quan đăng ký và nhóm hỗ trợ)"}
            </label>
            <input
              id="ly-do-huy"
              name="reason"
              type="text"
              required
              maxlength={500}
              value={typed.reason ?? ""}
            />
            <button type="submit" class="danger">
              Hủy lịch {b.code}
            </button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="thu-moi">
        <h2 id="thu-moi">Thư mời lịch</h2>
        {cal ? (
          <p>
            <a href={`/dat-lich/${b.code}/thu-moi.ics`} download={`${b.code}.ics`}>
              Tải thư mời ({cal.method === "CANCEL" ? "hủy" : "lịch họp"}, lần sửa {cal.sequence})
            </a>
          </p>
        ) : (
          <p class="meta">Chưa gửi thư mời lịch nào cho lịch họp này.</p>
        )}
      </section>
    </Layout>
  );
}

/** The booking page and the download of the invite the mail carried. */
export function bookingRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const notFound = (code: string) =>
    `Không có lịch họp «${shownCode(code)}». Mã lịch họp có dạng HTT-2026-0001: hãy kiểm tra lại địa chỉ.`;
  /**
   * The booking's page again with what was refused on top (a form's bad input, a rule's refusal), and what was
   * typed still in its form: a refused move showed the booking's old time again, and the person retyped the day
   * and hours they had tried, or thought the refusal was about the old time.
   */
  const refused = async (c: Context<WebEnv>, code: string, text: string, status: 400 | 409, typed: Typed) => {
    const data = await load(ctx, code);
    if (!data) return notFoundPage(c, notFound(code));
    return c.html(
      <BookingPage
        ctx={ctx}
        user={c.get("user")!}
        data={data}
        flash={{ kind: "error", text }}
        typed={typed}
      />,
      status,
    );
  };
  app.get("/dat-lich/:code", requireUser, async (c) => {
    const code = c.req.param("code");
    const data = CODE.test(code) ? await load(ctx, code) : null;
    if (!data) return notFoundPage(c, notFound(code));
    return c.html(<BookingPage ctx={ctx} user={c.get("user")!} data={data} flash={flashOf(c)} />);
  });
  // Cancel through the use case the CLI and the clerk's mail use: the clerk is told in the thread with the invite
  // withdrawn, the group gets its line, the audit trail names the person and the channel `web`.
  app.post("/dat-lich/:code/huy", requireRole(...REVIEW_ROLES), async (c) => {
    const user = c.get("user")!;
    const code = c.req.param("code");
    if (!CODE.test(code)) return notFoundPage(c, notFound(code));
    const body = await c.req.parseBody();
    // Cleaned as chat's words are: the reason goes to the clerk's mail and the group, where a right-to-left override
    // turned the line around, and a reason of only a NUL or a zero-width space was taken as given.
    const reason = cleanChatText(typeof body.reason === "string" ? body.reason : "")
      .trim()
      .slice(0, 500);
    const again = (text: string, status: 400 | 409) => refused(c, code, text, status, { reason });
    if (!reason) return again("Hãy ghi lý do hủy: cơ quan đăng ký sẽ đọc lý do này.", 400);
    let done: Awaited<ReturnType<typeof cancelBooking>>;
    try {
      done = await cancelBooking(ctx.desk, code, webActor(user), reason, ctx.now());
    } catch (err) {
      if (err instanceof DeskError) return again(err.message, 409);
      throw err;
    }
    if (!done) return notFoundPage(c, notFound(code));
    ctx.kick();
    return c.redirect(withFlash(c, `/dat-lich/${code}`, "da-huy", code), 303);
  });
  // Move a session through the use case a clerk's reply uses: the rules run again on the new time; a refusal leaves
  // the booking as it was and mails nobody (the technician reads why here); a change answers the clerk in the thread
  // with the invite's next SEQUENCE and posts «ĐÃ THAY ĐỔI» to the group.
  app.post("/dat-lich/:code/doi-gio", requireRole(...REVIEW_ROLES), async (c) => {
    const user = c.get("user")!;
    const code = c.req.param("code");
    if (!CODE.test(code)) return notFoundPage(c, notFound(code));
    const body = await c.req.parseBody();
    const field = (k: string) => (typeof body[k] === "string" ? (body[k] as string).trim() : "");
    const again = (text: string, status: 400 | 409) =>
      refused(c, code, text, status, { ngay: field("ngay"), tu: field("tu"), den: field("den") });
    const slot = slotFromInput(field("ngay"), field("tu"), field("den"), ctx.desk.reg.zone);
    if ("error" in slot) return again(slot.error, 400);
    const { start, end } = slot;
    try {
      const res = await changeBooking(ctx.desk, code, { start, end }, webActor(user), {
        now: ctx.now(),
        refuseQuietly: true,
      });
      if (res.duplicate) return notFoundPage(c, notFound(code));
    } catch (err) {
      if (err instanceof DeskError) return again(err.message, 409);
      throw err;
    }
    ctx.kick();
    return c.redirect(withFlash(c, `/dat-lich/${code}`, "da-doi-gio", code), 303);
  });
  app.get("/dat-lich/:code/thu-moi.ics", requireUser, async (c) => {
    const code = c.req.param("code");
    const cal = CODE.test(code)
      ? await ctx.desk.store.read(async (r) => lastInvite(await r.outbox.list({ booking: code })))
      : null;
    if (!cal) return notFoundPage(c, `Lịch họp «${shownCode(code)}» chưa có thư mời nào để tải.`);
    const mail = ctx.settings.mail;
    if (!mail) return noMailboxRefusal(c, code);
    c.header("Content-Type", `text/calendar; charset=utf-8; method=${cal.method}`);
    c.header("Content-Disposition", `attachment; filename="${code}.ics"`);
    // Loaded on first use: the SMTP module brings nodemailer, ical-generator and imapflow (issue 12, start-up).
    const { invite } = await import("../../mail/smtp-sender.js");
    return c.body(invite(cal, mail));
  });
  return app;
}
