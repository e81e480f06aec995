import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { DateTime } from "luxon";
import { dayVi } from "../../core/calendar/zone.js";
import type { Agency, Endpoint } from "../../core/directory/types.js";
import { SECRET_LABEL } from "./ics.js";
import { agencySlug, type PublicSession } from "./schedule.js";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** `Thứ Năm, 10/12/2026`: the desk's one way of writing a day (zone.ts). */
const dayOf = (d: DateTime): string => dayVi(d.toISODate()!);

export interface PageData {
  zone: string;
  /** The clock: a session begun before today that still runs is listed under today. */
  now?: Date;
  today: DateTime;
  weekStart: DateTime;
  sessions: PublicSession[];
  agencies: Agency[];
  endpoints: Endpoint[];
  endpointName: (code: string) => string | undefined;
  selected: { agency?: Agency; endpoint?: Endpoint };
  /** A filter that matched nothing in the directory: said on the page (404). */
  notice?: string;
}

// Contrast ≥ 7:1 for text (WCAG AAA), large touch targets, one column on a phone.
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
header,main,footer{max-width:56rem;margin:0 auto;padding:0 1rem}
header{border-bottom:4px solid #a30000;padding-top:1rem}
h1{font-size:1.5rem;margin:.25rem 0 .5rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #767676}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
form{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin:1rem 0;padding:.75rem;background:#f2f2f2}
form div{display:flex;flex-direction:column;flex:1 1 14rem;min-width:0}
label{font-weight:600}
select,button{font:inherit;min-height:2.75rem;padding:.25rem .5rem;max-width:100%}
button{background:#a30000;color:#fff;border:0;border-radius:4px;padding:0 1.25rem;cursor:pointer}
a{color:#0b4f9c}
a:focus,select:focus,button:focus{outline:3px solid #0b4f9c;outline-offset:2px}
ul.sessions{list-style:none;margin:0;padding:0}
ul.sessions li{border:1px solid #767676;border-left:6px solid #0b4f9c;border-radius:4px;padding:.5rem .75rem;margin:.5rem 0}
ul.sessions li.secret{border-left-color:#595959;background:#f7f7f7}
.time{font-weight:700;margin:0}
.title{margin:.125rem 0;font-size:1.05rem}
.live{display:inline-block;margin-left:.5rem;padding:0 .4rem;background:#a30000;color:#fff;border-radius:3px;font-size:.875rem}
dl{margin:.25rem 0 0;display:grid;grid-template-columns:max-content 1fr;gap:0 .5rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.notice{padding:.75rem;border:2px solid #a30000;background:#fff5f5}
footer{margin-top:2rem;padding-bottom:2rem;color:#444;font-size:.875rem}
`;

function session(s: PublicSession, zone: string, endpointName: (code: string) => string | undefined): Html {
  const start = DateTime.fromJSDate(s.start, { zone });
  const end = DateTime.fromJSDate(s.end, { zone });
  const when = html`<time datetime="${start.toISO({ suppressMilliseconds: true })}">${start.toFormat(
    "HH:mm",
  )}</time>–<time datetime="${end.toISO({ suppressMilliseconds: true })}">${end.toFormat("HH:mm")}</time>`;
  const live = s.status === "live" ? html`<span class="live">Đang họp</span>` : "";
  if (s.secret) {
    return html`<li class="secret"><p class="time">${when}${live}</p><p class="title">${SECRET_LABEL}</p></li>`;
  }
  const names = s.endpoints.map((c) => endpointName(c) ?? c);
  return html`<li>
<p class="time">${when}${live}</p>
<p class="title">${s.title ?? "Phiên họp trực tuyến"}</p>
<dl>${s.host ? html`<dt>Chủ trì</dt><dd>${s.host}</dd>` : ""}${
    names.length ? html`<dt>Điểm cầu</dt><dd>${names.join("; ")}</dd>` : ""
  }</dl>
</li>`;
}

function list(items: PublicSession[], data: PageData): Html {
  if (items.length === 0) return html`<p>Không có phiên họp nào.</p>`;
  return html`<ul class="sessions">${items.map((s) => session(s, data.zone, data.endpointName))}</ul>`;
}

/** `/lich`: today's and this week's confirmed sessions, with a plain GET form to filter them. */
export function schedulePage(data: PageData): Html {
  const { zone, today, weekStart, selected } = data;
  const localDay = (s: PublicSession) => DateTime.fromJSDate(s.start, { zone }).toISODate();
  const todayIso = today.toISODate();
  // A session begun before midnight that still runs is today's: at 00:30 the night's live session was on no list.
  const nowMs = (data.now ?? today.toJSDate()).getTime();
  const todays = data.sessions.filter(
    (s) => localDay(s) === todayIso || (s.start.getTime() < today.toMillis() && s.end.getTime() > nowMs),
  );
  const days = Array.from({ length: 7 }, (_, i) => weekStart.plus({ days: i })).filter(
    (d) => d.toISODate() !== todayIso,
  );
  const weekEnd = weekStart.plus({ days: 6 });
  const feeds = [
    html`<li><a href="/lich.ics">Toàn thành phố</a></li>`,
    selected.agency
      ? html`<li><a href="/lich/co-quan/${agencySlug(selected.agency.name)}.ics">${selected.agency.name}</a></li>`
      : "",
    selected.endpoint
      ? html`<li><a href="/lich/diem-cau/${selected.endpoint.code}.ics">${selected.endpoint.name}</a></li>`
      : "",
  ];
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lịch họp trực tuyến thành phố Hà Nội</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
<h1>Lịch họp trực tuyến thành phố Hà Nội</h1>
<p>Các phiên họp đã được xác nhận trên Hệ thống họp trực tuyến thành phố. Giờ Hà Nội (GMT+7).</p>
</header>
<main>
<form method="get" action="/lich" role="search" aria-label="Lọc lịch họp">
<div><label for="co-quan">Cơ quan</label>
<select id="co-quan" name="co-quan">
<option value="">Tất cả cơ quan</option>
${data.agencies.map((a) => {
  const slug = agencySlug(a.name);
  return html`<option value="${slug}"${selected.agency?.name === a.name ? " selected" : ""}>${a.name}</option>`;
})}
</select></div>
<div><label for="diem-cau">Điểm cầu</label>
<select id="diem-cau" name="diem-cau">
<option value="">Tất cả điểm cầu</option>
${data.endpoints.map(
  (e) =>
    html`<option value="${e.code}"${selected.endpoint?.code === e.code ? " selected" : ""}>${e.name} (${e.code})</option>`,
)}
</select></div>
<button type="submit">Xem lịch</button>
</form>
${data.notice ? html`<p class="notice" role="alert">${data.notice}</p>` : ""}
<section aria-labelledby="h-hom-nay">
<h2 id="h-hom-nay">Hôm nay, ${dayOf(today)}</h2>
${list(todays, data)}
</section>
<section aria-labelledby="h-tuan">
<h2 id="h-tuan">Trong tuần (${weekStart.toFormat("dd/MM")} – ${weekEnd.toFormat("dd/MM/yyyy")})</h2>
${days.map(
  (d) => html`<h3>${dayOf(d)}</h3>
${list(
  data.sessions.filter((s) => localDay(s) === d.toISODate()),
  data,
)}`,
)}
</section>
<section aria-labelledby="h-ics">
<h2 id="h-ics">Theo dõi lịch trên Outlook hoặc điện thoại</h2>
<p>Thêm địa chỉ dưới đây vào lịch (Outlook: «Thêm lịch» → «Từ Internet»; điện thoại: «Thêm lịch đăng ký»). Lịch tự cập nhật khi phiên họp thay đổi hoặc bị hủy.</p>
<ul>${feeds}</ul>
</section>
</main>
<footer><p>Trung tâm Tin học - Công báo, Văn phòng UBND thành phố Hà Nội. Phiên họp có nội dung mật chỉ hiển thị thời gian.</p></footer>
</body>
</html>`;
}
