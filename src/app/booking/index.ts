export * from "./cancel.js";
export * from "./change.js";
export type { InboundRef } from "./inbound.js";
export { lapseBooking, remindMissingInfo } from "./lapse.js";
export type { NotifyOptions } from "./notify.js";
export * from "./register.js";
export * from "./review.js";
export { moveTo } from "./state.js";
export { JOB, workingDaysDeadline } from "./timers.js";
