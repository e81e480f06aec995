import type { ChatEvent } from "../../src/app/chat/conversation.js";

/**
 * A builder of Telegram group messages for tests that call handleChatEvent directly: each gets the next update id
 * (and, with `messageIds`, a message id of the same number, which reactions and edits need).
 */
export function groupMessages(
  opts: { chatId?: string; userName?: string; prefix?: string; messageIds?: boolean } = {},
): (userId: string, text: string, extra?: Partial<ChatEvent>) => ChatEvent {
  let update = 0;
  return (userId, text, extra = {}) => {
    const id = String(++update);
    return {
      platform: "telegram",
      chatId: opts.chatId ?? "-100200",
      chatType: "group",
      userId,
      userName: opts.userName ?? "Cán bộ",
      text,
      button: null,
      updateId: `${opts.prefix ?? ""}${id}`,
      ...(opts.messageIds ? { messageId: id } : {}),
      ...extra,
    };
  };
}
