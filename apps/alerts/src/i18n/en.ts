/**
 * English (`language = en`), and the English half of every Vietnamese text (vi.ts is built from it).
 * Plain text only; see catalogue.ts for the rules.
 */
import type { Catalogue, EvidenceFigureParts, SubscriptionParts } from "./catalogue.ts";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describe(parts: SubscriptionParts): string {
  const kinds = parts.kinds === null ? "every signal" : parts.kinds.map((kind) => kind.en).join(", ");
  return `${kinds} on ${parts.symbols ?? "all symbols"}, score ${parts.minScore}+`;
}

/** `Spring · HOSE · score 70–79`; `all scores` when nothing narrows the line above's signal. */
function evidenceGroup(parts: Pick<EvidenceFigureParts, "signal" | "exchange" | "scoreBand">): string {
  const score = parts.scoreBand === null ? null : `score ${parts.scoreBand}`;
  const named = [parts.signal?.en ?? null, parts.exchange, score].filter((part) => part !== null);
  return named.length === 0 ? "all scores" : named.join(" · ");
}

const EVIDENCE_VERDICTS = { edge: "", "no-edge": " · no edge", "worse-than-chance": " · worse than chance" };

export const en: Catalogue = {
  htmlLang: "en",
  notAvailable: "n/a",
  disclaimer: "Automated VPA scanner alert. Not investment advice.",
  priority: { HIGH: "HIGH", MEDIUM: "MEDIUM", LOW: "LOW" },
  bias: { bull: "bull", bear: "bear" },
  signalName: (label) => label.en,
  explanation: (text) => [text.en],
  alert: {
    subject: (p) => `[${p.priority}] ${p.symbol}: ${p.signal} (${p.bias}) score ${p.score}`,
    labels: {
      signal: "Signal",
      priority: "Priority",
      score: "Score",
      confidence: "Confidence",
      close: "Close",
      change: "Change",
      volume: "Volume",
      bar: "Bar",
    },
    scoreOutOf: (score) => `${score}/100`,
    volumeVsAverage: (ratio) => `${ratio} avg vol`,
  },
  digest: {
    heading: (total) => `Scan digest: ${total} signals`,
    more: (count) => `and ${count} more: /signals`,
    score: "score",
  },
  top: {
    heading: (p) => `Strongest signals of the last scan (${p.scanTime}): ${p.shown} of ${p.total}`,
    stillRunning: "The scan is still running: more signals may come.",
    empty: (scanTime) => `The last scan (${scanTime}) found no signals.`,
    noScan: "No scan has run yet.",
  },
  chart: {
    caption: (p) =>
      `${[p.symbol, p.exchange].filter((part) => part !== null).join(" · ")} · ${p.date}: close ${p.close}` +
      `${p.change === null ? "" : ` (${p.change})`}. ` +
      (p.signal === null
        ? `No signal in the last ${p.bars} bars.`
        : `Newest signal: ${p.signal.label.en} (${p.signal.bias}), score ${p.signal.score}, ${p.signal.date} (marked).`),
    unknownSymbol: (symbol) => `No stored bars for ${symbol}: is it a listed symbol?`,
    tooFewBars: (p) =>
      `Too few bars for a chart of ${p.symbol}: ${p.bars} stored, at least ${p.minimum} needed.`,
    unavailable: "Charts are not available right now; please try again later.",
  },
  portfolio: {
    none: "No paper portfolio yet (the operator creates them: vpa portfolio create).",
    unknown: (p) => `No paper portfolio ${p.name}. There are: ${p.names}.`,
    heading: (p) =>
      `Paper portfolio ${p.name} (since ${p.startedOn}; last close ${p.lastSession ?? "none yet"})`,
    value: (p) => `Value ${p.value}, cash ${p.cash}, total ${p.total}`,
    day: (p) => `Last close: ${p.day}; ${p.benchmark} ${p.index}`,
    positionsHeading: (count) => `Open positions (${count}):`,
    position: (p) =>
      p.future
        ? `${p.symbol}: ${p.quantity} contracts at ${p.entryPrice} points, now ${p.lastPrice} points (${p.result}${p.onDeposit ? " on the deposit" : ""})`
        : `${p.symbol}: ${p.quantity} shares at ${p.entryPrice}, now ${p.lastPrice} (${p.result})`,
    noPositions: "No open positions.",
    closed: (p) => `${plural(p.count, "closed trade", "closed trades")}, realised ${p.realized}`,
    others: (names) => `Other portfolios: ${names} (/portfolio NAME)`,
    digestLine: (p) =>
      `Paper portfolio ${p.name} ${p.day} ${p.date === null ? "today" : `on ${p.date}`}` +
      (p.index === null ? "" : `, ${p.benchmark} ${p.index}`),
  },
  help: {
    title: "VPA scanner alerts for HOSE, HNX and UPCOM",
    start: (minScore) => `alerts for every signal scoring ${minScore}+`,
    subscribe: (maxSymbols) => `only these symbols (up to ${maxSymbols}), then tap the signal types`,
    unsubscribe: "stop all alerts",
    list: "your subscriptions and settings",
    signals: "the latest signals",
    top: "the strongest signals of the last scan",
    chart: "the chart of a symbol's last 60 sessions, its newest signal marked",
    portfolio: "a paper portfolio that follows the signals: value, last close against VN30, positions",
    digest: "one digest per scan (on), each alert at once (off), how many signals a digest lists",
    lang: "Vietnamese with English beside it, or English only",
    pause: "no alerts for a while; /resume ends the pause",
    quiet: "hold alerts at night (/quiet off)",
    live: "also provisional alerts while an intraday bar forms, labelled; they may not hold",
    help: "this text",
    footer: "Alerts are automated readings of volume and price. Not investment advice.",
    adminTitle: "Admin",
    status: "subscribers, deliveries in the last 24 h, queues",
    scan: "scan the newest bars now",
    menu: {
      start: "Alerts for strong signals",
      subscribe: "Choose symbols, minimum score, signal types",
      unsubscribe: "Stop all alerts",
      list: "Your subscriptions and settings",
      signals: "Latest signals",
      top: "Strongest signals of the last scan",
      chart: "Chart of a symbol, e.g. /chart VCB",
      portfolio: "Paper portfolio against VN30",
      digest: "Digest on or off, how many signals",
      lang: "Language: vi or en",
      pause: "Pause alerts, e.g. 2h or 1d",
      resume: "Resume alerts",
      quiet: "Quiet hours, e.g. 22:00-07:00, or off",
      live: "Provisional alerts of forming bars: on or off",
      help: "How to use this bot",
      status: "Admin: subscribers, deliveries, queues",
      scan: "Admin: scan the newest bars now",
    },
  },
  subscription: {
    describe,
    startedAll: (minScore) => `Subscribed: every signal scoring ${minScore}+.`,
    subscribed: (parts) => `Subscribed: ${describe(parts)}.`,
    already: (parts) => `You already have this subscription: ${describe(parts)}.`,
    chooseTypes: "Tap the signal types you want; none ticked means every type.",
    allTypesButton: "All types",
    doneButton: "Done",
    typesSaved: (count) =>
      `Saved: ${count === null ? "every signal type" : plural(count, "signal type", "signal types")}`,
    gone: "This subscription no longer exists.",
    unsubscribed: "Unsubscribed. Send /start to subscribe again.",
    noneActive: "You have no active subscription. Send /start or /subscribe.",
    listHeading: (count) => `Your subscriptions (${count}):`,
    listMore: (count) => `… and ${count} more`,
  },
  settings: {
    subscribeFirst: "Subscribe first with /start.",
    digestOn: (top) =>
      `Digest on: after each scan, one message with its top ${top} signals; HIGH alerts still come at once.`,
    digestOff: "Digest off: every alert comes at once.",
    digestTop: (top) => `Your digest lists the top ${top} signals.`,
    digestTopWhileOff: "Digests are off for this chat: /digest on.",
    language: "Language: English.",
    pausedFor: (until) =>
      `Alerts paused until ${until} (Vietnam time); those that come meanwhile arrive then. /resume ends the pause sooner.`,
    pausedUntilResume: (until) =>
      `Alerts paused until you send /resume (${until} at the latest, Vietnam time); those that come meanwhile arrive then.`,
    resumed: "Alerts resumed.",
    resumedWithHeld: (count) =>
      `Alerts resumed; ${plural(count, "held alert is", "held alerts are")} on the way.`,
    notPaused: "Alerts are not paused.",
    quietOn: (window) => `Quiet hours ${window} (Vietnam time): alerts in that window arrive when it ends.`,
    quietOff: "Quiet hours off: alerts arrive at any time.",
    deliveryDigest: (top) => `Delivery: one digest per scan, top ${top}; HIGH alerts at once`,
    deliveryInstant: "Delivery: every alert at once",
    pausedLine: (until) => `Paused until ${until} (Vietnam time)`,
    quietLine: (window) => `Quiet hours: ${window} (Vietnam time)`,
  },
  signals: {
    heading: (count) => `Latest signals (newest ${count}):`,
    none: "No signals stored yet.",
    noneFor: (symbol) => `No signals for ${symbol}.`,
    moreAll: "… and more; one symbol: /signals VCB",
    moreOlder: "… and older ones",
  },
  refusal: {
    adminOnly: (command) => `/${command} is for the bot's admins only.`,
    notOnAllowList: (chatId) =>
      `This chat may not subscribe. Give the bot's operator this chat id to be added: ${chatId}.`,
    channelNotAllowed: (chatId) =>
      `A channel can subscribe only when the bot's operator allows it (chat id ${chatId}).`,
    subscriptionCap: (p) => `At most ${p.max} subscriptions per chat (you have ${p.held})`,
    tooManyCommands: "Too many commands: please wait a minute.",
    somethingWrong: "Something went wrong on our side; please try again later.",
    unknownCommand: (name) => `Unknown command /${name}`,
    notSymbols: (quoted) => `Not a symbol (1–12 letters A–Z or digits): ${quoted}`,
    minScore: "min must be a whole number from 0 to 100",
    unknownSignalTypes: (quoted) => `Unknown signal type ${quoted}`,
    unknownOption: (quoted) => `Unknown option ${quoted}= (use min= or types=)`,
    tooManySymbols: (p) => `At most ${p.max} symbols per subscription (you sent ${p.sent})`,
    quietUsage: "Use /quiet 22:00-07:00 (Vietnam time) or /quiet off",
    langUsage: "Use /lang vi (Vietnamese with English beside it) or /lang en (English)",
    digestUsage: (maxTop) => `Use /digest on, /digest off or /digest top N (N from 1 to ${maxTop})`,
    pauseUsage: (maxDays) =>
      `Use /pause, /pause 2h or /pause 1d (m minutes, h hours, d days; at most ${maxDays} days)`,
    topUsage: (max) => `Use /top or /top N (N from 1 to ${max})`,
    chartUsage: "Use /chart SYMBOL, e.g. /chart VCB",
    portfolioUsage: "Use /portfolio or /portfolio NAME (letters, digits, . _ -)",
  },
  scan: {
    queued: (symbols) =>
      `Scan queued: ${plural(symbols, "symbol", "symbols")}. /top shows its strongest signals once it is done.`,
    nothingToScan: "Nothing to scan: no bars are stored.",
    unavailable: "/scan is not available here: this bot was started without a way to enqueue scans.",
  },
  status: {
    title: "Status",
    subscribers: "Subscribers",
    activeSubscriptions: "Active subscriptions",
    lastSignal: "Last signal",
    storedAt: "stored",
    noneYet: "none yet",
    deliveries24h: "Deliveries, last 24 h",
    queues: "Queues (waiting, active, delayed, failed)",
    queuesUnavailable: "unavailable (Redis?)",
  },
  evidence: {
    figures: (p) =>
      `${evidenceGroup(p)}: ${p.bias === "bull" ? "up" : "down"} after ${p.horizon} sessions ${p.hitRate} of ${p.count} times ` +
      `(chance ${p.chanceHitRate})${EVIDENCE_VERDICTS[p.verdict]}`,
    notEnoughHistory: (p) =>
      `${p.signal === null ? "" : `${p.signal.en}: `}not enough history yet${p.count === null ? "" : ` (${p.count} of ${p.minimum} outcomes)`}`,
    notTracked: (signal) =>
      `${signal === null ? "" : `${signal.en}: `}the track record covers daily bars only`,
  },
  live: {
    on: "Live alerts on: while an intraday bar forms you also get provisional alerts, labelled, then whether each held at the close.",
    off: "Live alerts off: only alerts of closed bars.",
    stateOn: "Live alerts are on for this chat.",
    stateOff: "Live alerts are off for this chat.",
    usage: "Use /live on or /live off.",
    label: "PROVISIONAL",
    subject: (p) =>
      `[${p.label}] ${p.symbol} ${p.timeframe} bar ${p.barTime}: ${p.signal.en} (${p.bias}), score ${p.score} so far`,
    projection: (p) =>
      `${p.elapsed} of the bar traded; volume on course for ${p.volumeRatio} this time of day's`,
    caveat: "The bar has not closed: this may not hold. The final signal, if any, comes at the close.",
    held: (p) => `${p.symbol} ${p.timeframe} bar ${p.barTime}: ${p.signal.en} held at the close.`,
    didNotHold: (p) =>
      `${p.symbol} ${p.timeframe} bar ${p.barTime}: the provisional ${p.signal.en} did not hold.`,
  },
};
