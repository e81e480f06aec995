/**
 * Incident actions for the web desk. TEMPORARY: these mirror what chat's /nhan, /chuyen, /xong do today, until
 * the channel-neutral use cases (`acknowledgeIncident`, `transferIncident`, `resolveIncident`) land from
 * src/app/incident/ (branch h-usecases); then the routes call those and this file goes.
 */
import { type Actor, type Desk, DeskError } from "../app/desk.js";
import { CATEGORY_VI } from "../core/incident/classify.js";
import type { Incident } from "../core/incident/types.js";
import type { Repos } from "../store/store.js";

const JOBS = ["incident-ack-reminder", "incident-escalate"];

const ROUTE_LABEL = { wan: "Trực ban mạng WAN (Sở Khoa học và Công nghệ)", mcu: "Kỹ thuật MCU" } as const;

async function load(r: Repos, code: string): Promise<Incident> {
  const inc = await r.incidents.get(code);
  if (!inc) throw new DeskError(`Không tìm thấy sự cố ${code}.`);
  return inc;
}

async function record(
  r: Repos,
  next: Incident,
  actor: Actor,
  action: string,
  note: string | null,
  told: string,
  now: Date,
) {
  await r.incidents.save(next);
  await r.incidents.addEvent(next.code, { at: now, actor: actor.id, channel: actor.channel, action, note });
  if (next.status !== "open") for (const kind of JOBS) await r.jobs.cancel(kind, next.code);
  await r.outbox.enqueue(
    { channel: "group", recipient: "support-group", kind: "incident-update", payload: { text: told } },
    now,
  );
}

export async function acknowledgeIncident(
  desk: Desk,
  actor: Actor & { name: string },
  code: string,
  now: Date,
) {
  return desk.store.tx(async (r) => {
    const inc = await load(r, code);
    if (inc.status === "resolved") throw new DeskError(`Sự cố ${code} đã khắc phục.`);
    const next: Incident = { ...inc, status: "acknowledged", assignee: actor.id, updatedAt: now };
    await record(r, next, actor, "nhan", null, `${actor.name} đã nhận xử lý sự cố ${code}.`, now);
    return next;
  });
}

export async function transferIncident(
  desk: Desk,
  actor: Actor & { name: string },
  code: string,
  target: "wan" | "mcu",
  now: Date,
) {
  return desk.store.tx(async (r) => {
    const inc = await load(r, code);
    if (inc.status === "resolved") throw new DeskError(`Sự cố ${code} đã khắc phục.`);
    const role = target === "wan" ? "wan-duty" : "mcu-technician";
    const next: Incident = { ...inc, status: "dispatched", route: target, assignee: role, updatedAt: now };
    const told = `Sự cố ${code} đã được chuyển cho ${ROUTE_LABEL[target]}.`;
    await record(r, next, actor, "chuyen", target, told, now);
    const b = inc.booking ? await r.bookings.get(inc.booking) : null;
    const place = b?.request.secret ? "một điểm cầu của phiên mật" : (inc.endpoint ?? "chưa rõ điểm cầu");
    await r.outbox.enqueue(
      {
        channel: "desk",
        recipient: role,
        kind: "incident-notice",
        payload: {
          text: `Sự cố ${code} (${CATEGORY_VI[inc.category]}) tại ${place} được chuyển cho ${ROUTE_LABEL[target]}.`,
          incident: code,
        },
      },
      now,
    );
    return next;
  });
}

export async function resolveIncident(
  desk: Desk,
  actor: Actor & { name: string },
  code: string,
  note: string,
  now: Date,
) {
  return desk.store.tx(async (r) => {
    const inc = await load(r, code);
    if (inc.status === "resolved") throw new DeskError(`Sự cố ${code} đã khắc phục trước đó.`);
    const next: Incident = { ...inc, status: "resolved", updatedAt: now };
    await record(
      r,
      next,
      actor,
      "xong",
      note || null,
      `Sự cố ${code} đã khắc phục${note ? `: ${note}` : ""}.`,
      now,
    );
    return next;
  });
}
