import type { Repos } from "../../store/store.js";
import { incidentButtons, reminderText } from "./messages.js";
import { deskNotice, incidentPlace } from "./notify.js";

export const INCIDENT_JOB = {
  reminder: "incident-ack-reminder",
  escalate: "incident-escalate",
  registrationDigest: "registration-digest",
} as const;

export type JobHandler = (job: { key: string }, r: Repos, now: Date) => Promise<void>;

/** Timers of an incident during a live session: remind the duty, then escalate to the admin. */
export function incidentTimerHandlers(): Record<string, JobHandler> {
  const handler = (escalate: boolean) => async (job: { key: string }, r: Repos, now: Date) => {
    const inc = await r.incidents.get(job.key);
    if (inc?.status !== "open") return;
    const role = escalate ? "admin" : inc.route === "wan" ? "wan-duty" : "mcu-technician";
    const place = await incidentPlace(r, inc);
    await r.incidents.addEvent(inc.code, {
      at: now,
      actor: "system",
      channel: "system",
      action: escalate ? "escalated" : "reminded",
    });
    await deskNotice(r, role, reminderText(inc, place, escalate), now, inc.code, incidentButtons(inc.code));
  };
  return {
    [INCIDENT_JOB.reminder]: handler(false),
    [INCIDENT_JOB.escalate]: handler(true),
  };
}
