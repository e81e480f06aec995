/**
 * The desk's shared types. The booking use cases live in `booking/` (register, change, review, cancel), the
 * incident ones in `incident/`, session actions in `session/`, chat links in `directory/chat-links.ts`.
 */
export type { Actor, ActorPerson, Desk } from "./context.js";
export { DeskError } from "./context.js";
