import { DIGEST_TOP_RANGE } from "@vpa/db";
import type { Catalogue } from "../i18n/catalogue.ts";
import { listSome, quoteShort } from "./bot-text.ts";
import {
  type BotMistake,
  MAX_PAUSE_DAYS,
  MAX_SYMBOLS_PER_SUBSCRIPTION,
  MAX_TOP_SIGNALS,
} from "./parse-bot-command.ts";

/**
 * A mistake in a command, in words (plain text, not yet escaped). What the user typed is quoted
 * back at most a few short pieces at a time, so a flood of input never becomes a flood of reply.
 */
export function describeBotMistake(mistake: BotMistake, text: Catalogue): string {
  const quoted = (tokens: readonly string[]) => listSome(tokens.map((token) => quoteShort(token)));
  switch (mistake.kind) {
    case "unknown-command":
      return text.refusal.unknownCommand(quoteShort(mistake.name));
    case "not-a-symbol":
      return text.refusal.notSymbols(quoted(mistake.tokens));
    case "min-score":
      return text.refusal.minScore;
    case "unknown-signal-type":
      return text.refusal.unknownSignalTypes(quoted(mistake.types));
    case "unknown-option":
      return text.refusal.unknownOption(quoteShort(mistake.key));
    case "too-many-symbols":
      return text.refusal.tooManySymbols({ max: MAX_SYMBOLS_PER_SUBSCRIPTION, sent: mistake.sent });
    case "usage":
      switch (mistake.command) {
        case "quiet":
          return text.refusal.quietUsage;
        case "lang":
          return text.refusal.langUsage;
        case "digest":
          return text.refusal.digestUsage(DIGEST_TOP_RANGE.max);
        case "pause":
          return text.refusal.pauseUsage(MAX_PAUSE_DAYS);
        case "top":
          return text.refusal.topUsage(MAX_TOP_SIGNALS);
        case "chart":
          return text.refusal.chartUsage;
        case "portfolio":
          return text.refusal.portfolioUsage;
        case "live":
          return text.live.usage;
      }
  }
}
