import { Hono } from "hono";
import { STATUS_VI } from "../../core/booking/state.js";
import { localDateOf } from "../../core/calendar/zone.js";
import { requireUser, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { incidents, type SessionView, todaySessions } from "../data.js";
import { flashOf } from "../views/flash.js";
import { hhmm, longDate, slot } from "../views/format.js";
import { IncidentCard } from "../views/incident.js";
import { Layout } from "../views/layout.js";

function SessionCard(p: { s: SessionView; user: WebUser; zone: string; now: Date }) {
  const b = p.s.booking;
  const secret = b.request.secret && p.user.role !== "admin";
  const ready = p.s.endpoints.filter((e) => e.ready).length;
  const live = b.status === "live";
  return (
    <article class="card" aria-labelledby={`ph-${b.code}`}>
      <h3 id={`ph-${b.code}`}>
        {/* A session across midnight names both days: «22:00–01:00» read as a slot that ends before it begins. */}
        {b.request.start &&
        b.request.end &&
        localDateOf(b.request.start, p.zone) !== localDateOf(b.request.end, p.zone)
          ? slot(b.request.start, b.request.end, p.zone)
          : `${hhmm(b.request.start, p.zone)}–${hhmm(b.request.end, p.zone)}`}{" "}
        · <a href={`/dat-lich/${b.code}`}>{b.code}</a>{" "}
        <span class={`tag ${live ? "ok" : ""}`}>{STATUS_VI[b.status]}</span>
        {/* Điều 11: an emergency is prepared first; a secret card says nothing but that it is secret. */}
        {b.request.emergency && !secret ? (
          <>
            {" "}
            <span class="tag bad">khẩn</span>
          </>
        ) : null}
      </h3>
      {secret ? (
        <p>
          <strong>phiên họp mật</strong>
        </p>
      ) : (
        <p>
          <strong>{b.request.host ?? "chưa rõ cơ quan chủ trì"}</strong>:{" "}
          {b.request.title ?? "(chưa có nội dung)"}
        </p>
      )}
      <p class="meta">
        MCU:{" "}
        {p.s.conference
          ? `đang có phòng họp (${p.s.conference})`
          : live
            ? "chưa tạo phòng họp"
            : "chưa đến giờ"}{" "}
        · {ready}/{p.s.endpoints.length} điểm cầu xác nhận sẵn sàng
      </p>
      {secret ? null : (
        <ul class="endpoints">
          {p.s.endpoints.map((e) => (
            <li>
              {e.name} ({e.code}):{" "}
              {e.legIncident ? (
                <span class="bad">mất kết nối ({e.legIncident})</span>
              ) : e.ready ? (
                <span class="ok">sẵn sàng</span>
              ) : (
                <span class="warn">chưa xác nhận</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

/** The part of "Hôm nay" that refreshes live. */
async function TodayLive(p: { ctx: WebCtx; user: WebUser }) {
  const now = p.ctx.now();
  const zone = p.ctx.desk.reg.zone;
  const [sessions, open] = await Promise.all([
    todaySessions(p.ctx.desk, now),
    incidents(p.ctx.desk, { open: true }),
  ]);
  return (
    <>
      <section aria-labelledby="phien-hom-nay">
        <h2 id="phien-hom-nay">Phiên họp đang diễn ra và sắp tới ({sessions.length})</h2>
        {sessions.length ? (
          <div class="cards">
            {sessions.map((s) => (
              <SessionCard s={s} user={p.user} zone={zone} now={now} />
            ))}
          </div>
        ) : (
          <p>Không còn phiên họp nào trong hôm nay.</p>
        )}
      </section>
      <section aria-labelledby="su-co-mo">
        <h2 id="su-co-mo">Sự cố đang mở ({open.length})</h2>
        {open.length ? (
          <div class="cards">
            {open.map((v) => (
              <IncidentCard v={v} user={p.user} zone={zone} back="/hom-nay" />
            ))}
          </div>
        ) : (
          <p>Không có sự cố đang mở.</p>
        )}
      </section>
    </>
  );
}

export function todayRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get("/hom-nay", requireUser, async (c) => {
    const user = c.get("user")!;
    if (c.req.query("phan") === "song") return c.html(<TodayLive ctx={ctx} user={user} />);
    return c.html(
      <Layout title="Hôm nay" user={user} current="/hom-nay" flash={flashOf(c)} live>
        <p class="meta">{longDate(ctx.now(), ctx.desk.reg.zone)} · tự cập nhật khi có thay đổi</p>
        <div
          id="song"
          hx-disinherit="*"
          hx-get="/hom-nay?phan=song"
          hx-trigger="sse:change"
          hx-swap="innerHTML"
        >
          <TodayLive ctx={ctx} user={user} />
        </div>
      </Layout>,
    );
  });
  return app;
}
