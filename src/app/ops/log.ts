import { createRequire } from "node:module";
import pino, { type DestinationStream, type Level } from "pino";
import type { Config, LogLevel } from "../config.js";
import { correlationId } from "./context.js";

/** The desk's log call: an event name and its fields; the level defaults from the event name. */
export type LogFn = (event: string, fields?: Record<string, unknown>, level?: Level) => void;

/** Keys whose values never reach the log, wherever they sit (to three levels deep). */
export const SECRET_KEYS = [
  "token",
  "password",
  "pass",
  "passwd",
  "secret",
  "secretToken",
  "webhookSecret",
  "authorization",
  "Authorization",
  "apiKey",
  "cookie",
  "raw",
  "body",
  "html",
];

const SECRET = new Set<string>(SECRET_KEYS);
/** How deep `scrubKeys` looks: deeper than any field the desk logs (a request's headers sit at depth 2). */
const SCRUB_DEPTH = 8;

/**
 * `v` with the value of every SECRET_KEYS key replaced by "***", at any depth up to SCRUB_DEPTH, in plain objects,
 * arrays and errors; `v` itself when it holds none (the common case: nothing is copied). An error that needs a
 * change becomes a plain object with its name, message and stack.
 *
 * Pino's own `redact` option did this by path before (56 paths, each with wildcards to three levels); its
 * implementation (@pinojs/redact 0.4) parses every path again for every line, which made it a tenth of the mail
 * backlog's logging cost (issue 12). This walk visits each field once.
 */
export function scrubKeys(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== "object" || depth > SCRUB_DEPTH) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = scrubKeys(v[i], depth + 1);
      if (x === v[i]) continue;
      out ??= v.slice();
      out[i] = x;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  const isError = v instanceof Error;
  if (proto !== Object.prototype && proto !== null && !isError) return v;
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    const was = (v as Record<string, unknown>)[k];
    const x = SECRET.has(k) ? "***" : scrubKeys(was, depth + 1);
    if (x === was) continue;
    if (!out) {
      out = isError
        ? { type: (v as Error).name, message: (v as Error).message, stack: (v as Error).stack }
        : {};
      Object.assign(out, v);
    }
    out[k] = x;
  }
  return out ?? v;
}

/** Failures are errors, parked work and refusals are warnings, the rest is information. */
export function levelOf(event: string): Level {
  if (/(-error|-failed|^error)$/.test(event)) return "error";
  if (/(parked|-warn|-refused)$/.test(event)) return "warn";
  return "info";
}

export interface LogOptions {
  level?: LogLevel;
  /** Where lines go; stdout when absent (pretty when stdout is a terminal). */
  destination?: DestinationStream;
  /** Literal values (tokens, passwords) scrubbed from every line, whatever key or message carries them. */
  secrets?: string[];
}

/**
 * A pino-backed `LogFn`: one JSON line per event with `level`, `time` (ISO), `event` and, inside an inbound
 * item's use case, its correlation id `cid`; secret keys
 * redacted at any depth (`scrubKeys`), and configured secret values scrubbed from the finished line as a second net.
 */
export function createLog(opts: LogOptions = {}): LogFn & { logger: pino.Logger } {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 4);
  const destination =
    opts.destination ??
    (process.stdout.isTTY
      ? // Loaded only for a terminal: a service writing JSON lines does not pay for its modules at start-up.
        (createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty"))({
          colorize: true,
          translateTime: "SYS:standard",
          sync: true,
        })
      : pino.destination({ fd: 1, sync: true }));
  const logger = pino(
    {
      level: opts.level ?? "info",
      base: null,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The inbound item (mail, chat update, request, job, delivery) this line happened for: see ops/context.ts.
      mixin: () => {
        const cid = correlationId();
        return cid ? { cid } : {};
      },
      hooks: secrets.length
        ? {
            streamWrite: (line) => {
              let out = line;
              for (const s of secrets) out = out.split(s).join("***");
              return out;
            },
          }
        : {},
    },
    destination,
  );
  const log = ((event, fields = {}, level) => {
    logger[level ?? levelOf(event)](scrubKeys({ event, ...fields }) as object);
  }) as LogFn & { logger: pino.Logger };
  log.logger = logger;
  return log;
}

/** Every credential in the configuration, for the scrubbing net. */
export function configSecrets(config: Config): string[] {
  return [
    config.mail.imap?.pass,
    config.mail.smtp?.pass,
    config.telegram?.token,
    config.telegram?.webhook?.secretToken,
    config.zalo?.token,
    config.zalo?.webhook?.secret,
    typeof config.mcu.settings.password === "string" ? config.mcu.settings.password : undefined,
  ].filter((s): s is string => Boolean(s));
}
