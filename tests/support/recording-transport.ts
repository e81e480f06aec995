import type { ChatButton } from "../../src/bot/conversation.js";
import { type ChatTransport, ReactionRefusedError } from "../../src/bot/delivery.js";

/** One message a recording platform was asked to send. */
export type Sent = { chat: string; text: string; buttons?: ChatButton[][]; replyTo?: string };

export interface RecordingOptions {
  /** The platform's support group. */
  group: string;
  /** Telegram's side declares replies (a «đã nhận xử lý» answers its report); Zalo's never does. */
  replies?: boolean;
  /** Telegram's side refuses every reaction, as telegram-test-api does: the delivery says it in words. */
  refuseReactions?: boolean;
  /** Keep each message's buttons in its record (off: the record is its chat, text and reply only). */
  buttons?: boolean;
}

/**
 * A platform as the chat delivery sees it (Telegram: buttons, 3 500 characters; Zalo: neither, 2 000), recording
 * every send in `sent`; each send answers the message's id, its place in `sent`, as a platform would (storm edits
 * use it). The Telegram-only behaviours are options, so that suites say which they rely on.
 */
export function recordingTransport(
  platform: "telegram" | "zalo",
  opts: RecordingOptions,
): ChatTransport & { sent: Sent[] } {
  const sent: Sent[] = [];
  const telegram = platform === "telegram";
  return {
    platform,
    groupChatId: opts.group,
    maxLength: telegram ? 3500 : 2000,
    supportsButtons: telegram,
    ...(telegram && opts.replies ? { supportsReplies: true } : {}),
    sent,
    async send(chat, text, buttons, sendOpts) {
      sent.push({
        chat,
        text,
        ...(opts.buttons && buttons ? { buttons } : {}),
        ...(sendOpts?.replyTo ? { replyTo: sendOpts.replyTo } : {}),
      });
      return String(sent.length);
    },
    ...(telegram && opts.refuseReactions
      ? {
          async react() {
            throw new ReactionRefusedError("Bad Request: REACTION_INVALID");
          },
        }
      : {}),
  };
}
