import type { Platform } from "../store/incident-repo.js";

/** One inbound chat update, whatever the platform. */
export interface ChatEvent {
  platform: Platform;
  chatId: string;
  /**
   * "group" only for the configured support group of the platform; any other group is "other-group" and gets
   * no group action (see `scopeChat`, applied by the service, which knows the configured groups).
   */
  chatType: "group" | "other-group" | "private";
  userId: string;
  userName: string;
  text: string;
  /** Telegram button data, when a button was pressed. */
  button: string | null;
  /** Unique per platform: the update id. */
  updateId: string;
  /** The message's own id in its chat (for a reaction on it); absent for button presses. */
  messageId?: string;
  /**
   * Sent on behalf of a chat (Telegram: as a channel, or by an anonymous admin): `userId` is then that chat's id,
   * which names no person, so the update may report but never ask for a link to an endpoint.
   */
  onBehalfOfChat?: boolean;
  /**
   * A message that is not text: a voice message (or audio, a video note) the desk cannot read, a photo or a
   * sticker, or `other`: one the platform delivers without its content (Zalo's «unsupported»: a voice message, a
   * file…), which may be a report as well as a voice message. A photo's or a video's caption is its text; `media`
   * is set only when there is no text to read.
   */
  media?: "voice" | "photo" | "sticker" | "other";
  /**
   * The message was edited (Telegram): this long after it was first sent. It is read again as a report, so that
   * «mất tiếng» corrected to «mất mạng» reaches the WAN duty; the same fault again joins the incident it opened.
   */
  editedAfterSeconds?: number;
  /**
   * The incident code of the bot's message this one replies to (Telegram): «/nhan», «/xong đã thay cáp» or a bare
   * «nhận» typed as a reply to an incident's notice is about that incident.
   */
  repliedIncident?: string;
  /**
   * Forwarded into the chat from another one (Telegram's `forward_origin`): the words are someone else's, relayed.
   * They are read as a report only (never as a command), filed where they name an endpoint, and asked back when they
   * name none: the fault is rarely at the forwarder's own endpoint. Zalo's Bot API says nothing of forwards.
   */
  forwarded?: boolean;
}

/**
 * What the desk says back to the platform about one update, beside its outbox replies. `alert`: for a button
 * press, the refusal only its presser reads (Telegram: the callback's answer, shown as an alert), instead of a
 * message to the whole chat.
 */
export interface ChatVerdict {
  alert?: string;
}

export interface ChatButton {
  label: string;
  data: string;
}

/**
 * Mark a platform "group" update as "other-group" unless it comes from the configured support group: a
 * stranger's group (the bot added elsewhere) never gets group actions.
 */
export function scopeChat(ev: ChatEvent, groupChatId: string): ChatEvent {
  return ev.chatType === "group" && ev.chatId !== groupChatId ? { ...ev, chatType: "other-group" } : ev;
}
