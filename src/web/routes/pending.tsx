import { Hono } from "hono";
import { reviewBooking } from "../../app/booking/index.js";
import { DeskError } from "../../app/desk.js";
import { cleanChatText } from "../../bot/clean.js";
import { fieldVi } from "../../core/booking/rules.js";
import { STATUS_VI } from "../../core/booking/state.js";
import { REASON_VI } from "../../core/booking/types.js";
import { localDateOf } from "../../core/calendar/zone.js";
import { requireRole, type WebCtx, type WebEnv, type WebUser, webActor } from "../context.js";
import { PENDING_PAGE_SIZE, type PendingQueue, type PendingView, pendingBookings } from "../data.js";
import { flashOf, withFlash } from "../views/flash.js";
import { countdown, dateTime, hhmm, slot } from "../views/format.js";
import { Csrf, Layout, type LayoutProps } from "../views/layout.js";
import { shownCode } from "../views/not-found.js";
import { Pager, pageParam, wrongPage } from "../views/pager.js";

/** Who settles bookings in review: MCU technicians and admins (WAN duty handles the network). */
export const REVIEW_ROLES = ["admin", "mcu-technician"];

/** What was typed into a card's form that the desk refused: shown again in that form. */
interface Typed {
  code: string;
  path: "duyet" | "tu-choi";
  reason: string;
}

function PendingCard(p: {
  v: PendingView;
  user: WebUser;
  zone: string;
  now: Date;
  pages: { review: number; info: number };
  typed?: Typed;
}) {
  const b = p.v.booking;
  const r = b.request;
  const secret = r.secret && p.user.role !== "admin";
  const id = b.code.toLowerCase();
  // The form posts back with the page it is on, so that a refusal shows that page again.
  const query = selfLink(p.pages).slice("/cho-xu-ly".length);
  const typed = (path: Typed["path"]) =>
    p.typed?.code === b.code && p.typed.path === path ? p.typed.reason : "";
  return (
    <article class="card" aria-labelledby={`cx-${id}`}>
      <h3 id={`cx-${id}`}>
        <a href={`/dat-lich/${b.code}`}>{b.code}</a> <span class="tag">{STATUS_VI[b.status]}</span>
      </h3>
      {p.v.deadline ? (
        <p>
          Hạn trả lời (Điều 12.2b):{" "}
          <strong class={p.v.deadline < p.now ? "bad" : "warn"} data-deadline={p.v.deadline.toISOString()}>
            {countdown(p.v.deadline, p.now)}
          </strong>{" "}
          {/* A deadline of another day (a registration overdue since Monday) is no «trước 10:30» today. */}
          (trước{" "}
          {localDateOf(p.v.deadline, p.zone) === localDateOf(p.now, p.zone)
            ? hhmm(p.v.deadline, p.zone)
            : dateTime(p.v.deadline, p.zone)}
          )
        </p>
      ) : (
        <p class="meta">Chờ cơ quan đăng ký bổ sung thông tin.</p>
      )}
      <p class="meta">
        Nhận lúc {dateTime(r.receivedAt, p.zone)} · họp {slot(r.start, r.end, p.zone)}
      </p>
      {secret ? (
        <p>
          <strong>phiên họp mật</strong>
        </p>
      ) : (
        <>
          <p>
            <strong>{r.host ?? "chưa rõ cơ quan chủ trì"}</strong>: {r.title ?? "(chưa có nội dung)"}
          </p>
          <p class="meta">
            Điểm cầu: {[b.hostEndpoint, ...r.participants].filter(Boolean).join(", ") || "chưa rõ"}
            {r.unresolved.length ? ` · chưa xác định: ${r.unresolved.join(", ")}` : ""}
          </p>
        </>
      )}
      {b.reasons.length || b.missing.length ? (
        <ul>
          {b.reasons.map((code) => (
            <li>{REASON_VI[code] ?? code}</li>
          ))}
          {b.missing.map((f) => (
            <li>Thiếu {fieldVi(f, b.request)}</li>
          ))}
        </ul>
      ) : null}
      {b.status === "needs-review" ? (
        <div>
          <form class="inline" method="post" action={`/cho-xu-ly/${b.code}/duyet${query}`}>
            <Csrf user={p.user} />
            {/* The note stays in the audit trail; the reason of a refusal is the clerk's to read. Say which. */}
            <label for={`dl-${id}`}>Ghi chú (chỉ ghi vào nhật ký, không gửi cho cơ quan đăng ký)</label>
            <input id={`dl-${id}`} name="reason" type="text" maxlength={500} value={typed("duyet")} />
            <button type="submit">Xác nhận {b.code}</button>
          </form>
          <form class="inline" method="post" action={`/cho-xu-ly/${b.code}/tu-choi${query}`}>
            <Csrf user={p.user} />
            <label for={`tc-${id}`}>Lý do từ chối (gửi cho cơ quan đăng ký và nhóm hỗ trợ)</label>
            <input
              id={`tc-${id}`}
              name="reason"
              type="text"
              required
              maxlength={500}
              value={typed("tu-choi")}
            />
            <button type="submit" class="danger">
              Từ chối
            </button>
          </form>
        </div>
      ) : null}
    </article>
  );
}

/**
 * Which page of each queue a request asks for (`?trang=2&trang-bo-sung=3`), read by the desk's one page parser;
 * `wrong` is a number that could not be read (that queue shows its first page).
 */
function pagesOf(q: (k: string) => string | undefined): { review: number; info: number; wrong?: string } {
  const review = pageParam(q("trang"));
  const info = pageParam(q("trang-bo-sung"));
  const wrong = review.wrong ?? info.wrong;
  return { review: review.page, info: info.page, ...(wrong === undefined ? {} : { wrong }) };
}

/** Previous/next links of one queue, keeping the other queue's page. */
function QueuePager(p: {
  queue: PendingQueue;
  param: "trang" | "trang-bo-sung";
  other: number;
  label: string;
}) {
  return (
    <Pager
      page={p.queue.page}
      pages={p.queue.pages}
      label={p.label}
      note={`${PENDING_PAGE_SIZE} lịch mỗi trang`}
      link={(page) =>
        selfLink(p.param === "trang" ? { review: page, info: p.other } : { review: p.other, info: page })
      }
    />
  );
}

/** This page's own address, pages kept, for the live refresh. */
function selfLink(pages: { review: number; info: number }): string {
  const q = new URLSearchParams();
  if (pages.review > 1) q.set("trang", String(pages.review));
  if (pages.info > 1) q.set("trang-bo-sung", String(pages.info));
  const s = q.toString();
  return `/cho-xu-ly${s ? `?${s}` : ""}`;
}

async function PendingPage(p: {
  ctx: WebCtx;
  user: WebUser;
  flash: LayoutProps["flash"];
  pages?: { review: number; info: number };
  typed?: Typed;
}) {
  const now = p.ctx.now();
  const pages = p.pages ?? { review: 1, info: 1 };
  const queues = await pendingBookings(p.ctx.desk, pages);
  const review = queues.review.list;
  const info = queues.info.list;
  const zone = p.ctx.desk.reg.zone;
  return (
    <Layout title="Chờ xử lý" user={p.user} current="/cho-xu-ly" flash={p.flash} live>
      <div
        id="song"
        hx-disinherit="*"
        hx-get={selfLink(pages)}
        hx-select="#song"
        hx-trigger="sse:change"
        hx-swap="outerHTML"
      >
        <section aria-labelledby="cho-xem-xet">
          <h2 id="cho-xem-xet">Chờ cán bộ kỹ thuật xem xét ({queues.review.total})</h2>
          {review.length ? (
            <div class="cards">
              {review.map((v) => (
                <PendingCard v={v} user={p.user} zone={zone} now={now} pages={pages} typed={p.typed} />
              ))}
            </div>
          ) : (
            <p>Không có lịch họp nào chờ xem xét.</p>
          )}
          <QueuePager
            queue={queues.review}
            param="trang"
            other={queues.info.page}
            label="Trang của danh sách chờ xem xét"
          />
        </section>
        <section aria-labelledby="cho-bo-sung">
          <h2 id="cho-bo-sung">Chờ bổ sung thông tin ({queues.info.total})</h2>
          {info.length ? (
            <div class="cards">
              {info.map((v) => (
                <PendingCard v={v} user={p.user} zone={zone} now={now} pages={pages} typed={p.typed} />
              ))}
            </div>
          ) : (
            <p>Không có lịch họp nào chờ bổ sung.</p>
          )}
          <QueuePager
            queue={queues.info}
            param="trang-bo-sung"
            other={queues.review.page}
            label="Trang của danh sách chờ bổ sung"
          />
        </section>
      </div>
    </Layout>
  );
}

const CODE = /^HTT-\d{4}-\d{4,}$/;

export function pendingRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const guard = requireRole(...REVIEW_ROLES);
  app.get("/cho-xu-ly", guard, async (c) => {
    const { wrong, ...pages } = pagesOf((k) => c.req.query(k));
    return c.html(
      <PendingPage
        ctx={ctx}
        user={c.get("user")!}
        flash={wrong === undefined ? flashOf(c) : { ...wrongPage(wrong), back: "/cho-xu-ly" }}
        pages={pages}
      />,
      wrong === undefined ? 200 : 400,
    );
  });
  // Approve or reject through the same use case chat and the CLI use: the answer goes out by mail and to
  // the group from the outbox, and the audit trail names the person and the channel `web`.
  for (const [path, outcome, flash] of [
    ["duyet", "confirmed", "da-duyet"],
    ["tu-choi", "rejected", "da-tu-choi"],
  ] as const) {
    app.post(`/cho-xu-ly/:code/${path}`, guard, async (c) => {
      const user = c.get("user")!;
      const code = c.req.param("code");
      const body = await c.req.parseBody();
      // Cleaned as chat's words are (the reason reaches the clerk and the group): nothing invisible counts as one.
      const reason = cleanChatText(typeof body.reason === "string" ? body.reason : "")
        .trim()
        .slice(0, 500);
      const { wrong: _wrong, ...pages } = pagesOf((k) => c.req.query(k));
      // Refused: the same page again, with what was typed still in its form.
      const fail = (text: string, status: 400 | 404 | 409) =>
        c.html(
          <PendingPage
            ctx={ctx}
            user={user}
            flash={{ kind: "error", text }}
            pages={pages}
            typed={{ code, path, reason }}
          />,
          status,
        );
      if (!CODE.test(code)) return fail(`Mã lịch họp «${shownCode(code)}» không hợp lệ.`, 404);
      if (outcome === "rejected" && !reason) return fail("Hãy ghi lý do từ chối.", 400);
      try {
        await reviewBooking(
          ctx.desk,
          code,
          outcome,
          webActor(user),
          reason || `xác nhận trên bàn kỹ thuật web (${user.name})`,
          ctx.now(),
        );
      } catch (err) {
        if (err instanceof DeskError) return fail(err.message, 409);
        throw err;
      }
      ctx.kick();
      return c.redirect(withFlash(c, selfLink(pages), flash, code), 303);
    });
  }
  return app;
}
