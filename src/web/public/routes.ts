import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { DateTime } from "luxon";
import type { Agency, Endpoint } from "../../core/directory/types.js";
import type { DirectorySnapshot } from "../../store/directory-repo.js";
import type { Store } from "../../store/store.js";
import type { WebEnv } from "../context.js";
import { DESK_CSP } from "../csp.js";
import { type BadValue, badValuesText, dayParam, repeatedParam, tooLong } from "../views/query.js";
import { feedAnswerKind, refusal, repeatedQuery } from "../views/refusal.js";
import { FeedRenderer } from "./ics.js";
import { STYLE, schedulePage } from "./page.js";
import { agencySlug, loadSchedule, type PublicSession, type ScheduleFilter } from "./schedule.js";

/** What the public schedule needs; the running DeskService has all of it (`publicRoutes(service)`). */
export interface PublicDeps {
  desk: { store: Store; reg: { zone: string } };
  config: { mail: { messageIdDomain: string } };
  /** Pinned in tests; the machine's clock otherwise. */
  now?: () => Date;
}

/** The longest span a feed may ask for with `from`/`to`. */
export const MAX_FEED_DAYS = 400;

const FROM = { param: "from", label: "Từ ngày" };
const TO = { param: "to", label: "Đến ngày" };

type Range = { from: Date; to: Date } | { error: string };

/**
 * `from`/`to` (YYYY-MM-DD, both days included, in the desk's zone), read by the desk's one parser (views/query.ts):
 * the same length cap, the same words for a day that is none, a parameter given twice refused, as on every page.
 * Without them a feed covers a month back and a year ahead: what a subscriber's calendar needs, and cheap.
 */
export function feedRange(c: Context, today: DateTime): Range {
  const bad: BadValue[] = repeatedQuery(c);
  if (bad.length) return { error: badValuesText(bad) };
  const example = today.toISODate()!;
  const [from, to] = [FROM, TO].map((field) => {
    const raw = (c.req.query(field.param) ?? "").trim();
    const long = tooLong(raw, field);
    if (long) {
      bad.push(long);
      return undefined;
    }
    const read = dayParam(raw, field, example);
    if (read.bad) bad.push(read.bad);
    return read.day ? DateTime.fromISO(read.day, { zone: today.zone }) : undefined;
  });
  if (bad.length) return { error: badValuesText(bad) };
  const start = from ?? (to ? to.minus({ days: 365 }) : today.minus({ days: 31 }));
  const last = to ?? (from ? from.plus({ days: 365 }) : today.plus({ days: 365 }));
  if (last < start) return { error: "Ngày bắt đầu (from) phải trước hoặc trùng ngày kết thúc (to)." };
  if (last.diff(start, "days").days + 1 > MAX_FEED_DAYS)
    return {
      error: `Khoảng thời gian dài nhất là ${MAX_FEED_DAYS} ngày; đề nghị thu hẹp from và to.`,
    };
  return { from: start.startOf("day").toJSDate(), to: last.plus({ days: 1 }).startOf("day").toJSDate() };
}

/**
 * A feed's refusal: a calendar client (no `Accept`, «*\/*», «text/calendar») gets the short Vietnamese line as
 * text/plain, which it shows as its error; a browser the desk's page (views/refusal.tsx) with the way to /lich.
 */
function feedRefusal(c: Context, status: 400 | 404, text: string) {
  return refusal(
    c as unknown as Context<WebEnv>,
    status,
    text,
    {
      title: status === 404 ? "Không tìm thấy" : "Địa chỉ không hợp lệ",
      alert: text,
      next: html`<p>Địa chỉ lịch của toàn thành phố, của từng cơ quan và từng điểm cầu có ở trang <a href="/lich">Lịch họp công khai</a> (chọn cơ quan hoặc điểm cầu, rồi xem mục «Theo dõi lịch»).</p>`,
    },
    feedAnswerKind(c),
  );
}

function etagOf(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

const collator = new Intl.Collator("vi");
/** One index per directory snapshot (the store caches the snapshot until the directory changes). */
const indexes = new WeakMap<DirectorySnapshot, ReturnType<typeof buildIndex>>();

function directoryIndex(dir: DirectorySnapshot) {
  let index = indexes.get(dir);
  if (!index) {
    index = buildIndex(dir);
    indexes.set(dir, index);
  }
  return index;
}

function buildIndex(dir: DirectorySnapshot) {
  const agencies = [...dir.directory.agencies].sort((a, b) => collator.compare(a.name, b.name));
  const endpoints = [...dir.directory.endpoints].sort((a, b) => collator.compare(a.name, b.name));
  const byAgency = new Map<string, string[]>();
  for (const e of dir.directory.endpoints) {
    const list = byAgency.get(e.agency);
    if (list) list.push(e.code);
    else byAgency.set(e.agency, [e.code]);
  }
  const bySlug = new Map<string, Agency>();
  for (const a of agencies) if (!bySlug.has(agencySlug(a.name))) bySlug.set(agencySlug(a.name), a);
  const endpoint = (code: string): Endpoint | undefined =>
    dir.endpoint(code) ?? endpoints.find((e) => e.code.toLowerCase() === code.toLowerCase());
  return {
    agencies,
    endpoints,
    agency: (slug: string) => bySlug.get(slug.toLowerCase()),
    endpoint,
    endpointName: (code: string) => dir.endpoint(code)?.name,
    endpointAgency: (code: string) => dir.endpoint(code)?.agency,
    agencyEndpoints: (name: string) => byAgency.get(name) ?? [],
  };
}

/**
 * The public schedule, no login: `/lich` (today and this week), and the ICS feeds `/lich.ics`,
 * `/lich/co-quan/{slug}.ics`, `/lich/diem-cau/{code}.ics`. Only public columns are read (see `loadSchedule`).
 */
export function publicRoutes(deps: PublicDeps): Hono {
  const app = new Hono();
  // Served outside the desk's own headers (no login, no form posts): its own. The page shows what strangers wrote
  // (a session's title comes from a mail): no script may run whatever slips through, nor may another site frame
  // it; its one style block is allowed by its hash.
  const styleHash = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`;
  // On its own addresses only: the desk mounts this app beside its pages, which send their own policy.
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: [styleHash],
      imgSrc: ["'self'", "data:"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: "same-origin",
  });
  app.use("/lich", headers);
  // A feed's refusal to a browser is the desk's page, which loads the desk's stylesheet and script: it goes out
  // under the desk's policy, the feed itself under the public one.
  const deskHeaders = secureHeaders({ contentSecurityPolicy: DESK_CSP, referrerPolicy: "same-origin" });
  for (const path of ["/lich.ics", "/lich/*"])
    app.use(path, async (c, next) => {
      await headers(c, next);
      if (c.res.headers.get("content-type")?.startsWith("text/html")) await deskHeaders(c, async () => {});
    });
  const { store } = deps.desk;
  const zone = deps.desk.reg.zone;
  const now = deps.now ?? (() => new Date());
  const index = async () => directoryIndex(await store.read((r) => r.directory.snapshot()));

  app.get("/lich", async (c) => {
    const dir = await index();
    const today = DateTime.fromJSDate(now(), { zone }).startOf("day");
    const weekStart = today.startOf("week");
    const q = { agency: c.req.query("co-quan") ?? "", endpoint: c.req.query("diem-cau") ?? "" };
    const selected: ScheduleFilter = {};
    const notices: string[] = [];
    // «?co-quan=a&co-quan=b» showed a's week and dropped b without a word: neither is read (views/query.ts); nor
    // is a value over the desk's length cap (it was searched for, and answered 404, as a name).
    const AGENCY = { param: "co-quan", label: "Cơ quan" };
    const ENDPOINT = { param: "diem-cau", label: "Điểm cầu" };
    const twice = [
      repeatedParam(c.req.queries("co-quan"), AGENCY) ?? tooLong(q.agency, AGENCY),
      repeatedParam(c.req.queries("diem-cau"), ENDPOINT) ?? tooLong(q.endpoint, ENDPOINT),
    ].filter((b) => b !== undefined);
    if (twice.length) {
      notices.push(badValuesText(twice));
      q.agency = "";
      q.endpoint = "";
    }
    if (q.agency) {
      const a = dir.agency(q.agency);
      if (a) selected.agency = a;
      else notices.push(`Không có cơ quan nào ứng với «${q.agency.slice(0, 80)}».`);
    }
    if (q.endpoint) {
      const e = dir.endpoint(q.endpoint);
      if (e) selected.endpoint = e;
      else notices.push(`Không có điểm cầu nào mang mã «${q.endpoint.slice(0, 40)}».`);
    }
    const sessions = notices.length
      ? []
      : await loadSchedule(
          store,
          // From a day before the week: a session across midnight that still runs is today's too (Monday 00:30).
          { from: weekStart.minus({ days: 1 }).toJSDate(), to: weekStart.plus({ days: 7 }).toJSDate() },
          {
            feed: false,
            filter: selected,
            endpointAgency: dir.endpointAgency,
            agencyEndpoints: dir.agencyEndpoints,
          },
        );
    const page = await schedulePage({
      zone,
      now: now(),
      today,
      weekStart,
      sessions,
      agencies: dir.agencies,
      endpoints: dir.endpoints,
      endpointName: dir.endpointName,
      selected,
      ...(notices.length ? { notice: notices.join(" ") } : {}),
    });
    c.header("Cache-Control", "no-cache");
    return c.html(page, twice.length ? 400 : notices.length ? 404 : 200);
  });

  const renderer = new FeedRenderer(deps.config.mail.messageIdDomain);
  const cache = new FeedCache();
  const feed = async (c: Context, name: string, filter: ScheduleFilter) => {
    const dir = await index();
    const today = DateTime.fromJSDate(now(), { zone }).startOf("day");
    const range = feedRange(c, today);
    if ("error" in range) return feedRefusal(c, 400, range.error);
    // Valid while no booking, endpoint or event was written (triggers count writes from every process) and the
    // directory snapshot is the same; the range is part of the key, so a new day is a new entry.
    const version = await store.read((r) => r.meta.counter("schedule"));
    const key = `${name}|${filter.agency?.name ?? ""}|${filter.endpoint?.code ?? ""}|${range.from.getTime()}|${range.to.getTime()}`;
    let entry = cache.get(key, version, dir);
    if (!entry) {
      const sessions = await loadSchedule(store, range, {
        feed: true,
        filter,
        endpointAgency: dir.endpointAgency,
        agencyEndpoints: dir.agencyEndpoints,
      });
      // Kept as UTF-8 bytes: each answer sends them as they are, with no new encoding of megabytes.
      const rendered = renderer.render(sessions, name, dir.endpointName);
      const body = new Uint8Array(rendered.buffer as ArrayBuffer, rendered.byteOffset, rendered.byteLength);
      entry = { body, etag: etagOf(body), modified: lastModified(sessions) };
      cache.set(key, version, dir, entry);
    }
    c.header("ETag", entry.etag);
    c.header("Cache-Control", "no-cache");
    if (entry.modified) c.header("Last-Modified", entry.modified.toUTCString());
    if (matchesEtag(c.req.header("If-None-Match"), entry.etag)) return c.body(null, 304);
    return c.body(entry.body, 200, {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `inline; filename="lich.ics"`,
    });
  };

  app.get("/lich.ics", (c) => feed(c, "Lịch họp trực tuyến thành phố Hà Nội", {}));

  /** The agency's slug or the endpoint's code of a feed's file name: over the length cap, a 400 that says so. */
  const named = (
    c: Context,
    field: { param: string; label: string },
  ): string | Response | Promise<Response> => {
    const name = c.req.param("file")!.replace(/\.ics$/, "");
    const long = tooLong(name, field);
    return long ? feedRefusal(c, 400, badValuesText([long])) : name;
  };

  app.get("/lich/co-quan/:file", async (c) => {
    const slug = named(c, { param: "co-quan", label: "Mã cơ quan" });
    if (typeof slug !== "string") return slug;
    const agency = c.req.param("file").endsWith(".ics") ? (await index()).agency(slug) : undefined;
    if (!agency)
      return feedRefusal(
        c,
        404,
        `Không có cơ quan nào với mã «${slug.slice(0, 80)}». Mã của từng cơ quan có ở trang /lich (chọn cơ quan rồi xem mục «Theo dõi lịch»).`,
      );
    return feed(c, `Lịch họp trực tuyến — ${agency.name}`, { agency });
  });

  app.get("/lich/diem-cau/:file", async (c) => {
    const code = named(c, { param: "diem-cau", label: "Mã điểm cầu" });
    if (typeof code !== "string") return code;
    const endpoint = c.req.param("file").endsWith(".ics") ? (await index()).endpoint(code) : undefined;
    if (!endpoint)
      return feedRefusal(
        c,
        404,
        `Không có điểm cầu nào mang mã «${code.slice(0, 40)}». Danh sách điểm cầu có ở trang /lich.`,
      );
    return feed(c, `Lịch họp trực tuyến — ${endpoint.name}`, { endpoint });
  });

  return app;
}

interface FeedEntry {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  modified: Date | null;
}

/**
 * Rendered feeds for one schedule version and one directory snapshot: any write to bookings (the version) or a new
 * directory empties it. At most `maxBytes` of bodies, least recently used first out.
 */
class FeedCache {
  private entries = new Map<string, FeedEntry>();
  private version = -1;
  private dir: object | null = null;
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(key: string, version: number, dir: object): FeedEntry | undefined {
    if (version !== this.version || dir !== this.dir) return undefined;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, version: number, dir: object, entry: FeedEntry): void {
    if (version !== this.version || dir !== this.dir) {
      this.entries.clear();
      this.bytes = 0;
      this.version = version;
      this.dir = dir;
    }
    const size = entry.body.length;
    if (size > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length;
    }
  }
}

/** The newest change among the feed's sessions, to the second (HTTP dates have no milliseconds). */
function lastModified(sessions: PublicSession[]): Date | null {
  let max = 0;
  for (const s of sessions) max = Math.max(max, s.updatedAt.getTime());
  return max ? new Date(Math.floor(max / 1000) * 1000) : null;
}
