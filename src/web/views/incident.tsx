import { MAX_COMMENT_LENGTH } from "../../app/incident/index.js";
import { CATEGORY_VI } from "../../core/incident/classify.js";
import { INCIDENT_STATUS_VI } from "../../core/incident/types.js";
import type { WebUser } from "../context.js";
import type { IncidentView } from "../data.js";
import { dateTime } from "./format.js";
import { Csrf } from "./layout.js";

/** Điều 5.2: only admins see where and what in a secret session. */
export function hidesSecret(user: WebUser, v: IncidentView): boolean {
  return Boolean(v.booking?.request.secret) && user.role !== "admin";
}

const STATUS_CLASS: Record<string, string> = {
  open: "bad",
  acknowledged: "warn",
  dispatched: "warn",
  resolved: "ok",
};

/** One incident with its Nhận / Chuyển / Xong actions; `back` is the page to return to afterwards. */
export function IncidentCard(p: { v: IncidentView; user: WebUser; zone: string; back: string }) {
  const i = p.v.incident;
  const hidden = hidesSecret(p.user, p.v);
  const id = i.code.toLowerCase();
  return (
    <article class="card" aria-labelledby={`sc-${id}`}>
      <h3 id={`sc-${id}`}>
        <a href={`/su-co/${i.code}`}>{i.code}</a>{" "}
        <span class={`tag ${STATUS_CLASS[i.status] ?? ""}`}>{INCIDENT_STATUS_VI[i.status]}</span>
      </h3>
      <p class="meta">
        {CATEGORY_VI[i.category]} ·{" "}
        {hidden ? "một điểm cầu của phiên họp mật" : (i.endpoint ?? "chưa rõ điểm cầu")}
        {i.booking ? ` · phiên ${i.booking}` : ""} · báo lúc {dateTime(i.openedAt, p.zone)}
        {i.unverified ? " · chưa xác minh" : ""}
      </p>
      <p>{hidden ? "Nội dung ẩn (phiên họp mật)." : i.text}</p>
      {i.assignee ? <p class="meta">Người xử lý: {i.assignee}</p> : null}
      {i.status !== "resolved" ? (
        <div>
          {i.status === "open" ? (
            <form class="inline" method="post" action={`/su-co/${i.code}/nhan`}>
              <Csrf user={p.user} />
              <input type="hidden" name="ve" value={p.back} />
              <button type="submit">Nhận {i.code}</button>
            </form>
          ) : null}
          <form class="inline" method="post" action={`/su-co/${i.code}/chuyen`}>
            <Csrf user={p.user} />
            <input type="hidden" name="ve" value={p.back} />
            <label for={`chuyen-${id}`}>Chuyển cho</label>
            <select id={`chuyen-${id}`} name="target">
              <option value="wan">Trực ban mạng WAN</option>
              <option value="mcu">Kỹ thuật MCU</option>
            </select>
            <button type="submit" class="secondary">
              Chuyển
            </button>
          </form>
          <form class="inline" method="post" action={`/su-co/${i.code}/xong`}>
            <Csrf user={p.user} />
            <input type="hidden" name="ve" value={p.back} />
            <label for={`xong-${id}`}>Cách xử lý</label>
            <input id={`xong-${id}`} name="note" type="text" maxlength={MAX_COMMENT_LENGTH} />
            <button type="submit" class="secondary">
              Xong
            </button>
          </form>
        </div>
      ) : null}
    </article>
  );
}
