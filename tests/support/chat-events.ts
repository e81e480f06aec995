import type { ChatEvent } from "../../src/app/chat/conversation.js";
import type { ZaloUpdate } from "../../src/bot/zalo/client.js";

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

/**
 * A Zalo group text message as the Bot API delivers it (`message.text.received`), for `zaloToChatEvent`, the Zalo
 * fake's `push` or a webhook body. `chatId` is the group, `displayName` the sender's shown name.
 */
export function zaloGroupText(
  userId: string,
  text: string,
  messageId: string,
  opts: { chatId?: string; displayName?: string; date?: number } = {},
): ZaloUpdate {
  return {
    event_name: "message.text.received",
    message: {
      message_id: messageId,
      from: { id: userId, display_name: opts.displayName ?? "Cán bộ" },
      chat: { id: opts.chatId ?? "zalo-group", chat_type: "GROUP" },
      date: opts.date ?? 1,
      text,
    },
  };
}
