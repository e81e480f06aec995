import type { Repos } from "../../store/store.js";
import { incidentButtons, majorReminderText, reminderText } from "./messages.js";
import { deskNotice, incidentPlace } from "./notify.js";

export const INCIDENT_JOB = {
  reminder: "incident-ack-reminder",
  escalate: "incident-escalate",
  registrationDigest: "registration-digest",
} as const;

export type JobHandler = (job: { key: string }, r: Repos, now: Date) => Promise<void>;

/**
 * Timers of an incident during a live session, and of every major incident: remind the duty, then escalate to
 * the admin. A report joined to a major incident is reminded through it, never on its own.
 */
export function incidentTimerHandlers(): Record<string, JobHandler> {
  const handler = (escalate: boolean) => async (job: { key: string }, r: Repos, now: Date) => {
    const inc = await r.incidents.get(job.key);
    if (inc?.status !== "open" || inc.major) return;
    const role = escalate ? "admin" : inc.route === "wan" ? "wan-duty" : "mcu-technician";
    await r.incidents.addEvent(inc.code, {
      at: now,
      actor: "system",
      channel: "system",
      action: escalate ? "escalated" : "reminded",
    });
    const text =
      inc.reporter === "storm"
        ? majorReminderText(inc, escalate)
        : reminderText(inc, await incidentPlace(r, inc), escalate);
    await deskNotice(r, role, text, now, inc.code, incidentButtons(inc.code));
  };
  return {
    [INCIDENT_JOB.reminder]: handler(false),
    [INCIDENT_JOB.escalate]: handler(true),
  };
}
