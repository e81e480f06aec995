export * from "./actions.js";
export * from "./messages.js";
export * from "./report.js";
export * from "./timeline.js";
export { INCIDENT_JOB, incidentTimerHandlers } from "./timers.js";
