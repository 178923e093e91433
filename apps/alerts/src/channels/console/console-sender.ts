/**
 * Console channel, for local runs and demos: prints the alert instead of delivering it.
 *
 * Output: one summary line `[alert → <address> #<subscriberId>] <subject>`, then the alert's
 * text body indented by two spaces (without the subject line it starts with). `write` is called
 * once per line, so it can be `console.log`, a pino call or an array push in tests.
 */
import type { RenderedMessage } from "../../render/rendered-message.ts";
import type { ChannelSender, Recipient, SentReceipt } from "../channel.ts";

/**
 * @example
 * const consoleSender = createConsoleSender((line) => console.log(line));
 * await consoleSender.send({ subscriberId: 1, address: "me" }, renderAlert(content));
 * // [alert → me #1] [HIGH] VCB: Selling climax (bull) score 87
 * //   VCB · HOSE · Vietcombank
 * //   Signal:     Selling climax ▲ bull
 * //   …
 */
export function createConsoleSender(write: (line: string) => void): ChannelSender {
  let printed = 0;
  return {
    channel: "console",
    async send(recipient: Recipient, message: RenderedMessage): Promise<SentReceipt> {
      write(`[alert → ${recipient.address} #${recipient.subscriberId}] ${message.subject}`);
      const lines = message.text.split("\n");
      if (lines[0] === message.subject) lines.shift();
      while (lines[0]?.trim() === "") lines.shift();
      while (lines.at(-1)?.trim() === "") lines.pop();
      for (const line of lines) write(line === "" ? "" : `  ${line}`);
      printed += 1;
      return { providerMessageId: `console-${printed}` };
    },
    async close(): Promise<void> {},
  };
}
