import { formatBarTime, formatPrice, formatReturn } from "../render/format-alert-values.ts";
import { signalLabelText } from "../render/signal-label.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import type { BotReply } from "./bot-reply.ts";
import { MIN_CHART_BARS } from "./symbol-charts.ts";

/**
 * /chart SYM: the chart of the symbol's newest bars (the alerts' drawing and cache) with a caption
 * in the chat's language, or why there is none. A chart that cannot be drawn (Redis, the renderer)
 * is answered in words; the error is the caller's to log.
 */
export async function chartReply(symbol: string, context: BotCommandContext): Promise<BotReply> {
  const { text, language } = context;
  const e = escapeTelegramHtml;
  if (context.charts === undefined) return { html: e(text.chart.unavailable) };
  const chart = await context.charts.chartOf(symbol);
  switch (chart.kind) {
    case "unknown-symbol":
      return { html: e(text.chart.unknownSymbol(symbol)) };
    case "too-few-bars":
      return { html: e(text.chart.tooFewBars({ symbol, bars: chart.bars, minimum: MIN_CHART_BARS })) };
    case "chart": {
      const change =
        chart.previousClose === null || chart.previousClose <= 0
          ? null
          : formatReturn(chart.lastClose / chart.previousClose - 1, language, 2);
      const caption = text.chart.caption({
        symbol: chart.symbol,
        exchange: chart.exchange,
        date: formatBarTime(chart.lastTime, language),
        close: formatPrice(chart.symbol, chart.lastClose, language),
        change,
        bars: chart.bars,
        signal:
          chart.signal === null
            ? null
            : {
                label: signalLabelText(chart.signal.type, chart.signal.variant),
                bias: chart.signal.bias,
                score: Math.round(chart.signal.score),
                date: formatBarTime(chart.signal.time, language),
              },
      });
      return { html: e(caption), photo: chart.image };
    }
  }
}
