import type { Repos } from "../../store/store.js";
import { deskGroupText, incidentButtons, majorReminderText, reminderText } from "./messages.js";
import { deskNotice, incidentPlace } from "./notify.js";

export const INCIDENT_JOB = {
  reminder: "incident-ack-reminder",
  escalate: "incident-escalate",
  registrationDigest: "registration-digest",
} as const;

export type JobHandler = (job: { key: string }, r: Repos, now: Date) => Promise<void>;

/**
 * Timers of an incident (during a live session, outside one after longer delays) and of every major incident:
 * remind the person on duty, then escalate to the role's group tag and the admin. A report joined to a major incident is reminded through it, never on its own.
 */
export function incidentTimerHandlers(): Record<string, JobHandler> {
  const handler = (escalate: boolean) => async (job: { key: string }, r: Repos, now: Date) => {
    const inc = await r.incidents.get(job.key);
    if (inc?.status !== "open" || inc.major) return;
    const duty = inc.route === "wan" ? "wan-duty" : "mcu-technician";
    // A reminder goes to the person on duty (privately, where they can be reached); an escalation goes to the
    // group, tagging the admin and the role.
    const role = escalate ? "admin" : duty;
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
    await deskNotice(r, role, text, now, inc.code, incidentButtons(inc.code, inc.route), {
      ...(escalate ? { tags: [duty] } : {}),
      groupText: deskGroupText(inc, escalate ? "escalation" : "reminder"),
    });
  };
  return {
    [INCIDENT_JOB.reminder]: handler(false),
    [INCIDENT_JOB.escalate]: handler(true),
  };
}
