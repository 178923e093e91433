import type { ChannelDefinition } from "../channel-definition.ts";
import { UNPACED } from "../channel-pacing.ts";

/** Console: the alerts worker prints the alert (local runs, the demo). */
export const consoleChannel = {
  name: "console",
  subscribeOption: {
    value: "NAME",
    example: "desk",
    description: "a name; its alerts are printed by the alerts worker",
  },
  parseAddress: (text) => (text === "" ? { expected: "a name" } : { address: text }),
  settings: [],
  missingSetting: () => null,
  pacing: () => UNPACED,
  async createSender(_config, context) {
    const { createConsoleSender } = await import("./console-sender.ts");
    return createConsoleSender(context.writeConsole);
  },
} as const satisfies ChannelDefinition<"console">;
