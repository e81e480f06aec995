import { Hono } from "hono";
import { peakLoad as corePeakLoad } from "../../core/booking/rules.js";
import { STATUS_VI } from "../../core/booking/state.js";
import type { BookingStatus } from "../../core/booking/types.js";
import {
  addDays,
  atLocal,
  isoWeekday,
  type LocalDate,
  localDateOf,
  weekdayVi,
} from "../../core/calendar/zone.js";
import type { Agency, Directory, Endpoint, EndpointLevel } from "../../core/directory/types.js";
import { ENDPOINT_LEVELS } from "../../core/directory/types.js";
import type { BookingSummary } from "../../store/booking-repo.js";
import { requireUser, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { agencySlug } from "../public/schedule.js";
import { hhmm } from "../views/format.js";
import { addNav, Layout } from "../views/layout.js";
import { notFoundPage, shownCode } from "../views/not-found.js";
import { Pager, pageParam, wrongPage } from "../views/pager.js";
import { badValueText, dayParam } from "../views/query.js";

addNav({ href: "/lich-noi-bo", label: "Lịch", order: 25 });

/** Sessions shown on the internal calendar: every one that holds, or held, its endpoints and the MCU. */
const SHOWN: BookingStatus[] = ["needs-review", "confirmed", "checked", "live", "ended", "handed-over"];
const LEVEL_VI: Record<EndpointLevel, string> = {
  city: "cấp Thành phố",
  district: "cấp huyện",
  commune: "cấp xã",
};
const HOUR = 3600_000;

/** What the calendar reads of a booking (one narrow row each: a busy week is a thousand of them). */
type Entry = BookingSummary;

/** The peak MCU load within [from, to): ports (one per endpoint) and conferences running at once. */
export function peakLoad(list: Entry[], from: Date, to: Date): { ports: number; conferences: number } {
  const spans: { start: Date; end: Date; ports: number }[] = [];
  for (const b of list)
    if (b.start && b.end) spans.push({ start: b.start, end: b.end, ports: b.endpoints.length });
  return corePeakLoad(spans, from, to);
}

interface View {
  mode: "tuan" | "ngay";
  /** The first day shown (Monday of the week, or the day). */
  day: LocalDate;
  /** The agency filter as the address gave it (a slug or a full name); `agency` is the one it names. */
  asked: string;
  agency: Agency | null;
  level: EndpointLevel | "";
  /** The page of endpoint rows, from 1. */
  page: number;
  /**
   * What the address asked for that could not be read (a page number «-1», a level or a view the page has not):
   * said on top, the page answers 400 and shows the first page, every level, the week.
   */
  unread: string[];
}

/** Endpoint rows per page: a week of a busy network is thousands of cells, more than anyone reads at once. */
export const CALENDAR_ROWS = 60;

/** The calendar's fields as its address names them. */
const NGAY = { param: "ngay", label: "Ngày" };

function viewOf(q: (k: string) => string | undefined, today: LocalDate): View {
  const unread: string[] = [];
  const xem = q("xem");
  const mode = xem === "ngay" ? "ngay" : "tuan";
  if (xem !== undefined && xem !== "" && xem !== "ngay" && xem !== "tuan")
    unread.push(`Cách xem «${xem.slice(0, 40)}» không có (xem=tuan hoặc xem=ngay); đang xem theo tuần.`);
  // One parser for every day a page reads (views/query.ts): «2026-13-40» showed today's calendar with 200. A day
  // given twice is refused before (server.ts, repeatedQuery).
  const asked = dayParam(q("ngay"), NGAY, today);
  if (asked.bad) unread.push(`${badValueText(asked.bad)} Đang hiển thị hôm nay.`);
  const picked = asked.day ?? today;
  const day = mode === "tuan" ? addDays(picked, 1 - isoWeekday(picked)) : picked;
  const cap = q("cap") ?? "";
  const level = ENDPOINT_LEVELS.includes(cap as EndpointLevel) ? (cap as EndpointLevel) : "";
  if (cap && !level)
    unread.push(
      `Cấp «${cap.slice(0, 40)}» không có (chọn một trong: ${ENDPOINT_LEVELS.map((l) => LEVEL_VI[l]).join(", ")}); đang hiển thị mọi cấp.`,
    );
  const { page, wrong: badPage } = pageParam(q("trang"));
  if (badPage !== undefined) unread.push(wrongPage(badPage).text);
  return {
    mode,
    day,
    asked: (q("co-quan") ?? "").trim().slice(0, 200),
    agency: null,
    level,
    page,
    unread,
  };
}

function href(v: View, change: Partial<View>): string {
  // Another day or filter starts at the first page.
  const n = { ...v, page: 1, ...change };
  const p = new URLSearchParams({ xem: n.mode, ngay: n.day });
  // The public page's slug, as the form's choices: one form of the agency in every link the desk renders.
  if (n.agency) p.set("co-quan", agencySlug(n.agency.name));
  if (n.level) p.set("cap", n.level);
  if (n.page > 1) p.set("trang", String(n.page));
  return `/lich-noi-bo?${p.toString()}`;
}

function Load(p: {
  load: { ports: number; conferences: number };
  cap: { ports: number; conferences: number };
}) {
  const over = p.load.ports > p.cap.ports || p.load.conferences > p.cap.conferences;
  return (
    <span class={over ? "bad" : "meta"}>
      {`${p.load.ports}/${p.cap.ports} cổng · ${p.load.conferences}/${p.cap.conferences} phòng họp`}
    </span>
  );
}

function Session(p: { b: Entry; user: WebUser; zone: string }) {
  const r = p.b;
  const hidden = r.secret && p.user.role !== "admin";
  return (
    <li>
      <a href={`/dat-lich/${p.b.code}`}>{p.b.code}</a> {hhmm(r.start, p.zone)}–{hhmm(r.end, p.zone)}{" "}
      {hidden ? <em>phiên họp mật</em> : (r.title ?? "(chưa có nội dung)")}
      <span class="meta"> · {STATUS_VI[p.b.status]}</span>
    </li>
  );
}

/**
 * The agency `?co-quan=` names: its full name (the form sent it so until round 19, and old links keep it) or the
 * slug the public page and the desk's own links use (`so-cong-thuong`). Undefined for one the directory has not.
 */
export function agencyAsked(directory: Directory, asked: string): Agency | undefined {
  const byName = directory.agencies.find((a) => a.name === asked);
  if (byName) return byName;
  const slug = asked.toLowerCase();
  return directory.agencies.find((a) => agencySlug(a.name) === slug);
}

async function CalendarPage(p: { ctx: WebCtx; user: WebUser; view: View; directory: Directory }) {
  const { ctx, user, view, directory } = p;
  const zone = ctx.desk.reg.zone;
  const cap = ctx.desk.reg.mcu;
  const days = view.mode === "tuan" ? Array.from({ length: 7 }, (_, i) => addDays(view.day, i)) : [view.day];
  const from = atLocal(days[0]!, "00:00", zone);
  const to = atLocal(addDays(days.at(-1)!, 1), "00:00", zone);
  // A session that started the day before may still run: one day back, filtered by overlap below.
  const list = (
    await ctx.desk.store.read((r) =>
      r.bookings.summaries({ from: new Date(from.getTime() - 24 * HOUR), to, statuses: SHOWN }),
    )
  ).filter((b) => b.start && (b.end ?? b.start) > from);
  const endpoints = directory.endpoints.filter(
    (e) => (!view.agency || e.agency === view.agency.name) && (!view.level || e.level === view.level),
  );
  // Điều 5.2: only admins see where a secret session is held. For anyone else it sits on a row of its own
  // (code, time, «phiên họp mật»), never on its endpoints' rows, which would name them; and it is listed under
  // no agency or level filter, as on the public schedule, or the filter would answer whose it is.
  const apart = user.role !== "admin";
  const secretRow = apart && !view.agency && !view.level ? list.filter((b) => b.secret) : [];
  const byEndpoint = new Map<string, Entry[]>();
  for (const b of list) {
    if (apart && b.secret) continue;
    for (const code of b.endpoints) {
      const here = byEndpoint.get(code);
      if (here) here.push(b);
      else byEndpoint.set(code, [b]);
    }
  }
  const busy = endpoints.filter((e) => byEndpoint.has(e.code));
  const pages = Math.max(1, Math.ceil(busy.length / CALENDAR_ROWS));
  const page = Math.min(view.page, pages);
  const rows = busy.slice((page - 1) * CALENDAR_ROWS, page * CALENDAR_ROWS);
  // Columns: the week's days, or the day's hours from the earliest session (office hours at least).
  const columns =
    view.mode === "tuan"
      ? days.map((d) => ({
          label: `${weekdayVi(d)} ${d.slice(8)}/${d.slice(5, 7)}`,
          from: atLocal(d, "00:00", zone),
          to: atLocal(addDays(d, 1), "00:00", zone),
        }))
      : Array.from({ length: 24 }, (_, h) => {
          const start = new Date(from.getTime() + h * HOUR);
          return {
            label: `${String(h).padStart(2, "0")}:00`,
            from: start,
            to: new Date(start.getTime() + HOUR),
          };
        }).filter(
          (c, h) => (h >= 7 && h < 18) || list.some((b) => b.start! < c.to && (b.end ?? b.start!) > c.from),
        );
  const inCell = (e: Endpoint | null, c: { from: Date; to: Date }) =>
    (e ? (byEndpoint.get(e.code) ?? []) : secretRow).filter((b) =>
      view.mode === "tuan"
        ? b.start! >= c.from && b.start! < c.to
        : b.start! < c.to && (b.end ?? b.start!) > c.from,
    );
  /** One row's cells: the secret sessions' row (`null`) or an endpoint's. */
  const cells = (e: Endpoint | null) =>
    columns.map((c) => {
      const here = inCell(e, c);
      return (
        <td>
          {here.length ? (
            <ul class="endpoints">
              {here.map((b) => (
                <Session b={b} user={user} zone={zone} />
              ))}
            </ul>
          ) : null}
        </td>
      );
    });
  const step = view.mode === "tuan" ? 7 : 1;
  const title =
    view.mode === "tuan"
      ? `Lịch tuần từ ${fmt(days[0]!)} đến ${fmt(days[6]!)}`
      : `Lịch ngày ${fmt(view.day)}`;
  return (
    <Layout
      title="Lịch"
      user={user}
      current="/lich-noi-bo"
      flash={view.unread.length ? { kind: "error", text: view.unread.join(" "), back: "/lich-noi-bo" } : null}
    >
      <form class="filters" method="get" action="/lich-noi-bo">
        <input type="hidden" name="xem" value={view.mode} />
        <input type="hidden" name="ngay" value={view.day} />
        <div>
          <label for="loc-co-quan">Cơ quan</label>
          <select id="loc-co-quan" name="co-quan">
            <option value="">Tất cả</option>
            {directory.agencies.map((a) => (
              <option value={agencySlug(a.name)} selected={a.name === view.agency?.name}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="loc-cap">Cấp</label>
          <select id="loc-cap" name="cap">
            <option value="">Tất cả</option>
            {ENDPOINT_LEVELS.map((l) => (
              <option value={l} selected={l === view.level}>
                {LEVEL_VI[l]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Lọc</button>
      </form>
      <nav aria-label="Chọn tuần hoặc ngày" class="filters">
        <a href={href(view, { day: addDays(view.day, -step) })} rel="prev">
          {view.mode === "tuan" ? "← Tuần trước" : "← Ngày trước"}
        </a>
        <a href={href(view, { day: addDays(view.day, step) })} rel="next">
          {view.mode === "tuan" ? "Tuần sau →" : "Ngày sau →"}
        </a>
        {view.mode === "tuan" ? (
          <a href={href(view, { mode: "ngay", day: localDateOf(ctx.now(), zone) })}>Xem theo ngày</a>
        ) : (
          <a href={href(view, { mode: "tuan" })}>Xem theo tuần</a>
        )}
      </nav>
      <h2>{title}</h2>
      <div class="table-wrap">
        <table class="calendar">
          <caption class="meta">
            Hàng: điểm cầu có phiên họp ({busy.length}/{endpoints.length} điểm cầu theo bộ lọc
            {pages > 1 ? `; trang ${page}/${pages}, ${CALENDAR_ROWS} điểm cầu mỗi trang` : ""}). Dòng đầu:
            cổng MCU và phòng họp đang dùng (cao nhất) so với năng lực, tính trên mọi điểm cầu.
          </caption>
          <thead>
            <tr>
              <th scope="col">Điểm cầu</th>
              {columns.map((c) => (
                <th scope="col">{c.label}</th>
              ))}
            </tr>
            <tr>
              <th scope="row">MCU</th>
              {columns.map((c) => (
                <td>
                  <Load load={peakLoad(list, c.from, c.to)} cap={cap} />
                </td>
              ))}
            </tr>
          </thead>
          <tbody>
            {secretRow.length ? (
              <tr>
                <th scope="row">
                  Phiên họp mật
                  <span class="meta"> điểm cầu chỉ quản trị viên xem được (Điều 5.2)</span>
                </th>
                {cells(null)}
              </tr>
            ) : null}
            {rows.map((e) => (
              <tr>
                <th scope="row">
                  {e.code}
                  <span class="meta"> {e.name}</span>
                </th>
                {cells(e)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} label="Trang của lịch" link={(n) => href(view, { page: n })} />
      {rows.length === 0 && !secretRow.length ? <p>Không có phiên họp nào trong khoảng này.</p> : null}
    </Layout>
  );
}

function fmt(d: LocalDate): string {
  return `${d.slice(8)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

/** Lịch: the internal week and day views per endpoint (the public schedule is /lich). */
export function calendarRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get("/lich-noi-bo", requireUser, async (c) => {
    const view = viewOf((k) => c.req.query(k), localDateOf(ctx.now(), ctx.desk.reg.zone));
    // One snapshot per request: the agency filter and the page read the same directory.
    const { directory } = await ctx.desk.store.read((r) => r.directory.snapshot());
    // An agency the directory has not showed an empty calendar, as if it had no session: it is said (404).
    if (view.asked) {
      const agency = agencyAsked(directory, view.asked);
      if (!agency)
        return notFoundPage(
          c,
          `Cơ quan «${shownCode(view.asked)}» (co-quan) không có trong danh bạ, nên không có lịch để hiển thị. Hãy chọn một cơ quan trong danh sách.`,
          [
            { href: "/danh-ba#co-quan", label: "Danh sách cơ quan trong Danh bạ" },
            { href: "/lich-noi-bo", label: "Lịch của mọi cơ quan" },
          ],
        );
      view.agency = agency;
    }
    return c.html(
      <CalendarPage ctx={ctx} user={c.get("user")!} view={view} directory={directory} />,
      view.unread.length ? 400 : 200,
    );
  });
  return app;
}
