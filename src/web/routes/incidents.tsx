import { Hono } from "hono";
import {
  acknowledgeIncident,
  commentIncident,
  type IncidentOutcome,
  type IncidentRefusal,
  incidentTimeline,
  MAX_COMMENT_LENGTH,
  reopenIncident,
  resolveIncident,
  transferIncident,
} from "../../app/incident/index.js";
import { cleanChatText } from "../../bot/clean.js";
import { CATEGORY_VI } from "../../core/incident/classify.js";
import { INCIDENT_STATUS_VI } from "../../core/incident/types.js";
import { requireUser, safeNext, type WebCtx, type WebEnv, type WebUser, webActor } from "../context.js";
import { type IncidentFilter, incidents } from "../data.js";
import { flashOf, withFlash } from "../views/flash.js";
import { dateTime } from "../views/format.js";
import { hidesSecret, IncidentCard } from "../views/incident.js";
import { Csrf, Layout, type LayoutProps } from "../views/layout.js";
import { notFoundPage, shownCode } from "../views/not-found.js";
import { Pager, pageParam, wrongPage } from "../views/pager.js";

const CODE = /^SC-\d{4}-\d{4,}$/;

function Filters(p: { f: IncidentFilter }) {
  return (
    <search>
      <form class="filters" method="get" action="/su-co" aria-label="Lọc sự cố">
        <div>
          <label for="loc-trang-thai">Trạng thái</label>
          <select id="loc-trang-thai" name="trang-thai">
            <option value="">Tất cả</option>
            {Object.entries(INCIDENT_STATUS_VI).map(([k, v]) => (
              <option value={k} selected={p.f.status === k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="loc-loai">Loại</label>
          <select id="loc-loai" name="loai">
            <option value="">Tất cả</option>
            {Object.entries(CATEGORY_VI).map(([k, v]) => (
              <option value={k} selected={p.f.category === k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="loc-diem-cau">Điểm cầu (mã)</label>
          <input id="loc-diem-cau" name="diem-cau" type="text" value={p.f.endpoint ?? ""} />
        </div>
        <div>
          <label for="loc-phien">Phiên họp (mã)</label>
          <input id="loc-phien" name="phien" type="text" value={p.f.booking ?? ""} />
        </div>
        <button type="submit">Lọc</button>
      </form>
    </search>
  );
}

/** Incident cards per page of «Sự cố», newest first: a year of faults stays a page quick to read and refresh. */
export const INCIDENT_PAGE_SIZE = 25;

/** The list's address with the filter and page `page` (page 1 unsaid). */
function listLink(f: IncidentFilter, page: number): string {
  const q = new URLSearchParams();
  if (f.status) q.set("trang-thai", f.status);
  if (f.category) q.set("loai", f.category);
  if (f.endpoint) q.set("diem-cau", f.endpoint);
  if (f.booking) q.set("phien", f.booking);
  if (page > 1) q.set("trang", String(page));
  const s = q.toString();
  return `/su-co${s ? `?${s}` : ""}`;
}

async function ListPage(p: {
  ctx: WebCtx;
  user: WebUser;
  f: IncidentFilter;
  page: number;
  flash: LayoutProps["flash"];
}) {
  // A secret session's incident shows no endpoint to a non-admin (Điều 5.2); filtered by endpoint it is not
  // listed either, or the filter would answer where it is.
  const list = (await incidents(p.ctx.desk, p.f)).filter((v) => !p.f.endpoint || !hidesSecret(p.user, v));
  const pages = Math.max(1, Math.ceil(list.length / INCIDENT_PAGE_SIZE));
  const page = Math.min(p.page, pages);
  const shown = list.slice((page - 1) * INCIDENT_PAGE_SIZE, page * INCIDENT_PAGE_SIZE);
  const zone = p.ctx.desk.reg.zone;
  return (
    <Layout title="Sự cố" user={p.user} current="/su-co" flash={p.flash} live>
      <Filters f={p.f} />
      <div
        id="song"
        hx-disinherit="*"
        hx-get={listLink(p.f, page)}
        hx-select="#song"
        hx-trigger="sse:change"
        hx-swap="outerHTML"
      >
        <p>{list.length} sự cố</p>
        <div class="cards">
          {shown.map((v) => (
            <IncidentCard v={v} user={p.user} zone={zone} back={listLink(p.f, page)} />
          ))}
        </div>
        <Pager
          page={page}
          pages={pages}
          label="Trang của danh sách sự cố"
          note={`${INCIDENT_PAGE_SIZE} sự cố mỗi trang`}
          link={(n) => listLink(p.f, n)}
        />
      </div>
    </Layout>
  );
}

async function DetailPage(p: {
  ctx: WebCtx;
  user: WebUser;
  code: string;
  flash: ReturnType<typeof flashOf>;
}) {
  const [v] = (await incidents(p.ctx.desk)).filter((x) => x.incident.code === p.code);
  if (!v) return null;
  const steps = await p.ctx.desk.store.read((r) => incidentTimeline(r, v.incident));
  const zone = p.ctx.desk.reg.zone;
  const hidden = hidesSecret(p.user, v);
  const id = p.code.toLowerCase();
  return (
    <Layout title={`Sự cố ${p.code}`} user={p.user} current="/su-co" flash={p.flash} live>
      <div
        id="song"
        hx-get={`/su-co/${p.code}`}
        hx-select="#song"
        hx-trigger="sse:change"
        hx-swap="outerHTML"
      >
        <IncidentCard v={v} user={p.user} zone={zone} back={`/su-co/${p.code}`} />
        <h2>Diễn biến</h2>
        <ol class="timeline">
          <li>
            {dateTime(v.incident.openedAt, zone)}: tiếp nhận phản ánh từ{" "}
            {hidden ? "điểm cầu phiên mật" : v.incident.reporter}
          </li>
          {steps.map((e) => (
            <li>
              {dateTime(e.at, zone)}: {e.label} — {hidden && e.endpointSide ? "điểm cầu phiên mật" : e.who}{" "}
              qua {e.channel}
              {e.note && !hidden ? ` (${e.note})` : ""}
            </li>
          ))}
        </ol>
        {v.incident.status === "resolved" ? (
          <form class="inline" method="post" action={`/su-co/${p.code}/mo`}>
            <Csrf user={p.user} />
            <input type="hidden" name="ve" value={`/su-co/${p.code}`} />
            <label for={`mo-${id}`}>Lý do mở lại</label>
            <input id={`mo-${id}`} name="note" type="text" maxlength={MAX_COMMENT_LENGTH} />
            <button type="submit" class="secondary">
              Mở lại
            </button>
          </form>
        ) : null}
        <form class="inline" method="post" action={`/su-co/${p.code}/ghichu`}>
          <Csrf user={p.user} />
          <input type="hidden" name="ve" value={`/su-co/${p.code}`} />
          <label for={`ghichu-${id}`}>Ghi chú</label>
          <input id={`ghichu-${id}`} name="note" type="text" required maxlength={MAX_COMMENT_LENGTH} />
          <button type="submit" class="secondary">
            Thêm ghi chú
          </button>
        </form>
      </div>
    </Layout>
  );
}

/**
 * A note as chat would have it (src/bot/clean.ts): bidi overrides, zero-width and control characters removed, so
 * that a note of only those is empty (refused as one) and none turns a line of the desk's around.
 */
function typedNote(v: unknown): string {
  return typeof v === "string" ? cleanChatText(v) : "";
}

export function incidentRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get("/su-co", requireUser, async (c) => {
    const q = (k: string) => c.req.query(k)?.trim() || undefined;
    // A status or a kind the desk does not have («?trang-thai=dong» from an old bookmark) matched nothing and the
    // page said «0 sự cố», as if there were none: it is named, and the list shows every status (or kind).
    const problems: string[] = [];
    const known = (k: string, label: string, values: Record<string, string>) => {
      const v = q(k);
      if (v === undefined || Object.hasOwn(values, v)) return v;
      problems.push(
        `${label} «${v.slice(0, 40)}» không có trong bộ lọc (chọn một trong: ${Object.values(values).join(", ")}); đang hiển thị tất cả.`,
      );
      return undefined;
    };
    const f: IncidentFilter = {
      status: known("trang-thai", "Trạng thái", INCIDENT_STATUS_VI),
      category: known("loai", "Loại sự cố", CATEGORY_VI),
      endpoint: q("diem-cau")?.toUpperCase().slice(0, 40),
      booking: q("phien")?.toUpperCase().slice(0, 40),
    };
    const { page, wrong } = pageParam(c.req.query("trang"));
    if (wrong !== undefined) problems.push(wrongPage(wrong).text);
    return c.html(
      <ListPage
        ctx={ctx}
        user={c.get("user")!}
        f={f}
        page={page}
        flash={problems.length ? { kind: "error", text: problems.join(" "), back: "/su-co" } : flashOf(c)}
      />,
      problems.length ? 400 : 200,
    );
  });
  const notFound = (code: string) =>
    `Không tìm thấy sự cố «${shownCode(code)}». Mã sự cố có dạng SC-2026-0001: hãy kiểm tra lại địa chỉ, hoặc tìm sự cố ở trang «Sự cố».`;
  app.get("/su-co/:code", requireUser, async (c) => {
    const code = c.req.param("code").toUpperCase();
    const page = CODE.test(code)
      ? await DetailPage({ ctx, user: c.get("user")!, code, flash: flashOf(c) })
      : null;
    return page ? c.html(page) : notFoundPage(c, notFound(code));
  });
  /**
   * A refusal in the web desk's words where chat's would point to a chat command: the page has buttons, not
   * «/nhan SC-…». Every other refusal reads as in chat (the same use case, the same reason).
   */
  const webRefusalText = (refusal: IncidentRefusal): string => {
    if (refusal.reason === "not-found") return `Không tìm thấy sự cố «${refusal.code}».`;
    if (refusal.reason === "already-resolved")
      return `Sự cố ${refusal.incident.code} đã khắc phục; nếu sự cố lặp lại, dùng nút «Mở lại» trên trang sự cố.`;
    // Chat's «Cách dùng: /ghichu SC-… <nội dung>» and /chuyen usage point to commands the page has as fields.
    if (refusal.reason === "empty-note")
      return `Chưa có nội dung ghi chú cho sự cố ${refusal.incident.code}: hãy ghi vào ô «Ghi chú» rồi bấm «Thêm ghi chú».`;
    if (refusal.reason === "target-refused")
      return `Không chuyển được sự cố ${refusal.incident.code}: ${refusal.why}`;
    if (refusal.reason === "no-target")
      return `Chưa chọn nơi chuyển sự cố ${refusal.incident.code}: trực ban mạng WAN hoặc kỹ thuật MCU.`;
    return refusal.message;
  };

  app.post("/su-co/:code/:action{nhan|chuyen|xong|mo|ghichu}", requireUser, async (c) => {
    const user = c.get("user")!;
    const code = c.req.param("code").toUpperCase();
    const action = c.req.param("action");
    const body = await c.req.parseBody();
    const back = safeNext(typeof body.ve === "string" ? body.ve : "/su-co");
    if (!CODE.test(code)) return notFoundPage(c, notFound(code));
    const actor = webActor(user);
    const now = ctx.now();
    // The same use cases as chat's /nhan, /chuyen, /xong: the outcome is a value, a refusal carries chat's words.
    let outcome: IncidentOutcome;
    if (action === "nhan") outcome = await acknowledgeIncident(ctx.desk, actor, code, now);
    else if (action === "chuyen") {
      const target = body.target === "wan" || body.target === "mcu" ? body.target : null;
      if (!target) {
        const text = `Chưa chọn nơi chuyển sự cố ${code}: trực ban mạng WAN hoặc kỹ thuật MCU.`;
        const page = await DetailPage({ ctx, user, code, flash: { kind: "error", text } });
        return page ? c.html(page, 400) : notFoundPage(c, notFound(code));
      }
      outcome = await transferIncident(ctx.desk, actor, code, target, now);
    } else if (action === "mo" || action === "ghichu") {
      // The length is checked by the use case, which says so (chat's words), rather than cut silently.
      const note = typedNote(body.note);
      outcome =
        action === "mo"
          ? await reopenIncident(ctx.desk, actor, code, now, { note })
          : await commentIncident(ctx.desk, actor, code, note, now);
    } else {
      // Too long a note is refused by the use case with its limit (it was cut to 500 characters in silence).
      const note = typedNote(body.note);
      outcome = await resolveIncident(ctx.desk, actor, code, note, now);
    }
    if (!outcome.ok) {
      const status = outcome.reason === "forbidden" ? 403 : outcome.reason === "not-found" ? 404 : 409;
      const text = webRefusalText(outcome);
      const page = await DetailPage({ ctx, user, code, flash: { kind: "error", text } });
      // No page to show it on: the incident is not there (a mistyped or stale code). A person reads the desk's 404
      // page (a line of plain text was all a browser got); htmx and programs the line (views/refusal.tsx).
      if (!page) return notFoundPage(c, outcome.reason === "not-found" ? text : notFound(code));
      return c.html(page, status);
    }
    ctx.kick();
    const flash =
      { nhan: "da-nhan", chuyen: "da-chuyen", xong: "da-xong", mo: "da-mo", ghichu: "da-ghichu" }[action] ??
      "";
    return c.redirect(withFlash(c, back, flash, code), 303);
  });
  return app;
}
