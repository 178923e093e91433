/**
 * Every text a user reads (alerts, digests, emails, the bot's replies), once per language:
 * `vi.ts` and `en.ts` are both typed `Catalogue`, so a key missing from one, or extra in one,
 * does not compile (and `catalogue.test.ts` walks both to be sure).
 *
 * Rules for what goes in:
 * - Plain text only, never markup: the renderers escape every entry for Telegram HTML or email
 *   HTML and add the few tags themselves.
 * - A sentence with a value in it is a function of that value, so each language puts it where its
 *   grammar wants it; nobody concatenates sentences outside the catalogues.
 * - Values come in already formatted for the language (`23.450 đ`, `05/07/2021`): the catalogue
 *   places them, `render/format-alert-values.ts` formats them.
 * - `vi` is Vietnamese first with the English beside it (`Điểm / Score`), built from `en` so the
 *   two never drift apart; `en` is English only.
 */
import type { SignalText } from "@vpa/core";

export type Priority = "HIGH" | "MEDIUM" | "LOW";
export type Bias = "bull" | "bear";

/** The words of one alert (render-alert.ts). */
export interface AlertTexts {
  /** One line: `[HIGH] VCB: Selling climax (bull) score 87`. Every part comes translated. */
  readonly subject: (parts: {
    readonly priority: string;
    readonly symbol: string;
    readonly signal: string;
    readonly bias: string;
    readonly score: string;
  }) => string;
  /** Field names, as a label before each value. */
  readonly labels: {
    readonly signal: string;
    readonly priority: string;
    readonly score: string;
    readonly confidence: string;
    readonly close: string;
    readonly change: string;
    readonly volume: string;
    readonly bar: string;
  };
  /** `87/100`. */
  readonly scoreOutOf: (score: string) => string;
  /** A formatted volume ratio (`2.8×`) and what it is measured against: `2.8× avg vol`. */
  readonly volumeVsAverage: (ratio: string) => string;
}

/** One subscriber's digest of a scan (render-digest.ts), and /top, which lists signals the same way. */
export interface DigestTexts {
  readonly heading: (total: number) => string;
  /** After the top N: how many more matched, and where to see them. */
  readonly more: (count: number) => string;
  /** The word before each line's score. */
  readonly score: string;
}

/** /top: the strongest signals of the newest scan. */
export interface TopTexts {
  /** `shown` of `total` signals of the scan that started at `scanTime`. */
  readonly heading: (parts: {
    readonly shown: number;
    readonly total: number;
    readonly scanTime: string;
  }) => string;
  /** Added when the scan's analyze jobs have not all finished. */
  readonly stillRunning: string;
  readonly empty: (scanTime: string) => string;
  readonly noScan: string;
}

/** The bot's /help and the command menu Telegram clients show. */
export interface HelpTexts {
  readonly title: string;
  readonly start: (minScore: number) => string;
  readonly subscribe: (maxSymbols: number) => string;
  readonly unsubscribe: string;
  readonly list: string;
  readonly signals: string;
  readonly top: string;
  readonly chart: string;
  readonly portfolio: string;
  readonly digest: string;
  readonly lang: string;
  readonly pause: string;
  readonly quiet: string;
  /** /live on|off: provisional alerts of forming intraday bars. */
  readonly live: string;
  readonly help: string;
  readonly footer: string;
  readonly adminTitle: string;
  readonly status: string;
  readonly scan: string;
  /** setMyCommands descriptions: 1–256 characters each. */
  readonly menu: {
    readonly start: string;
    readonly subscribe: string;
    readonly unsubscribe: string;
    readonly list: string;
    readonly signals: string;
    readonly top: string;
    readonly chart: string;
    readonly portfolio: string;
    readonly digest: string;
    readonly lang: string;
    readonly pause: string;
    readonly resume: string;
    readonly quiet: string;
    readonly live: string;
    readonly help: string;
    readonly status: string;
    readonly scan: string;
  };
}

/**
 * What a subscription is, for the sentences that describe it. Signal names come in both languages
 * (the registry's), so the Vietnamese half of a `vi` text names them in Vietnamese.
 */
export interface SubscriptionParts {
  /** The signal types' names, or null for every type. */
  readonly kinds: readonly SignalText[] | null;
  /** The symbols as a short list (`FPT, VCB (+3)`), or null for every symbol. */
  readonly symbols: string | null;
  readonly minScore: number;
}

/** Replies about subscriptions: /start, /subscribe and its keyboard, /unsubscribe, /list. */
export interface SubscriptionTexts {
  /** `every signal on VCB, FPT, score 75+`. */
  readonly describe: (parts: SubscriptionParts) => string;
  readonly startedAll: (minScore: number) => string;
  readonly subscribed: (parts: SubscriptionParts) => string;
  readonly already: (parts: SubscriptionParts) => string;
  /** Above the signal-type keyboard of /subscribe. */
  readonly chooseTypes: string;
  readonly allTypesButton: string;
  readonly doneButton: string;
  /** The toast after a tap on the keyboard: how many types are ticked (null: every type). */
  readonly typesSaved: (count: number | null) => string;
  /** A tap on the keyboard of a subscription this chat no longer has. */
  readonly gone: string;
  readonly unsubscribed: string;
  readonly noneActive: string;
  readonly listHeading: (count: number) => string;
  readonly listMore: (count: number) => string;
}

/** /digest, /lang, /pause, /resume, /quiet, and the settings lines of /list. */
export interface SettingsTexts {
  readonly subscribeFirst: string;
  readonly digestOn: (top: number) => string;
  readonly digestOff: string;
  readonly digestTop: (top: number) => string;
  /** Said after digestTop when the chat gets every alert at once. */
  readonly digestTopWhileOff: string;
  readonly language: string;
  readonly pausedFor: (until: string) => string;
  /** A pause with no duration: until /resume, but never longer than `until`. */
  readonly pausedUntilResume: (until: string) => string;
  readonly resumed: string;
  readonly resumedWithHeld: (count: number) => string;
  readonly notPaused: string;
  readonly quietOn: (window: string) => string;
  readonly quietOff: string;
  /** /list: how alerts reach this chat. */
  readonly deliveryDigest: (top: number) => string;
  readonly deliveryInstant: string;
  readonly pausedLine: (until: string) => string;
  readonly quietLine: (window: string) => string;
}

/** /signals. */
export interface SignalsTexts {
  readonly heading: (count: number) => string;
  readonly none: string;
  readonly noneFor: (symbol: string) => string;
  readonly moreAll: string;
  readonly moreOlder: string;
}

/** Refusals and mistakes: the bot says what was wrong and stores nothing. */
export interface RefusalTexts {
  readonly adminOnly: (command: string) => string;
  readonly notOnAllowList: (chatId: string) => string;
  readonly channelNotAllowed: (chatId: string) => string;
  readonly subscriptionCap: (parts: { readonly max: number; readonly held: number }) => string;
  readonly tooManyCommands: string;
  readonly somethingWrong: string;
  readonly unknownCommand: (name: string) => string;
  readonly notSymbols: (quoted: string) => string;
  readonly minScore: string;
  readonly unknownSignalTypes: (quoted: string) => string;
  readonly unknownOption: (quoted: string) => string;
  readonly tooManySymbols: (parts: { readonly max: number; readonly sent: number }) => string;
  readonly quietUsage: string;
  readonly langUsage: string;
  readonly digestUsage: (maxTop: number) => string;
  readonly pauseUsage: (maxDays: number) => string;
  readonly topUsage: (max: number) => string;
  readonly chartUsage: string;
  readonly portfolioUsage: string;
}

/** /chart SYM: the caption under the chart, and why there is none. */
export interface ChartTexts {
  /**
   * `VCB · HOSE · 27/11/2026: close 61.200 đ (+0,8 %)`, then the newest signal among the bars
   * (`signal`: its name, bias, score and date, formatted) or that there is none.
   */
  readonly caption: (parts: {
    readonly symbol: string;
    readonly exchange: string | null;
    readonly date: string;
    readonly close: string;
    readonly change: string | null;
    readonly bars: number;
    readonly signal: {
      readonly label: SignalText;
      readonly bias: Bias;
      readonly score: number;
      readonly date: string;
    } | null;
  }) => string;
  readonly unknownSymbol: (symbol: string) => string;
  readonly tooFewBars: (parts: {
    readonly symbol: string;
    readonly bars: number;
    readonly minimum: number;
  }) => string;
  readonly unavailable: string;
}

/** /portfolio [name] and the portfolio line of a digest. Values come formatted. */
export interface PortfolioTexts {
  readonly none: string;
  /** No portfolio of that name; `names`: the ones there are. */
  readonly unknown: (parts: { readonly name: string; readonly names: string }) => string;
  readonly heading: (parts: {
    readonly name: string;
    readonly startedOn: string;
    readonly lastSession: string | null;
  }) => string;
  readonly value: (parts: {
    readonly value: string;
    readonly cash: string;
    readonly total: string;
  }) => string;
  /** The last close: the portfolio's return and its benchmark's. */
  readonly day: (parts: {
    readonly day: string;
    readonly benchmark: string;
    readonly index: string;
  }) => string;
  readonly positionsHeading: (count: number) => string;
  readonly position: (parts: {
    readonly symbol: string;
    readonly quantity: string;
    readonly entryPrice: string;
    readonly lastPrice: string;
    readonly result: string;
    /** A VN30 future on margin: the result is on its deposit, not the contracts' value. */
    readonly onDeposit: boolean;
    /** A VN30 future: the quantity in contracts, the prices in index points (numbers only). */
    readonly future: boolean;
  }) => string;
  readonly noPositions: string;
  readonly closed: (parts: { readonly count: number; readonly realized: string }) => string;
  /** More portfolios exist: how to see them. */
  readonly others: (names: string) => string;
  /**
   * The digest's line: `Danh mục mẫu vn30 +0,8 % hôm nay, VN30 +0,3 %`; `date` set when the
   * portfolio's last close is not the digest's (the close of an earlier day).
   */
  readonly digestLine: (parts: {
    readonly name: string;
    readonly day: string;
    readonly benchmark: string;
    /** null: the index's close is not stored; the line leaves it out. */
    readonly index: string | null;
    readonly date: string | null;
  }) => string;
}

/** /scan (admins). */
export interface ScanTexts {
  readonly queued: (symbols: number) => string;
  readonly nothingToScan: string;
  readonly unavailable: string;
}

/** /status (admins): labels only; the figures are the operator's and shown as stored. */
export interface StatusTexts {
  readonly title: string;
  readonly subscribers: string;
  readonly activeSubscriptions: string;
  readonly lastSignal: string;
  readonly storedAt: string;
  readonly noneYet: string;
  readonly deliveries24h: string;
  readonly queues: string;
  readonly queuesUnavailable: string;
}

/**
 * A signal's evidence from the track record (src/evidence): one short phrase under an alert's
 * explanation, under each digest line and in /signals. With `signal` it names the group it speaks
 * of in full (`Spring · HOSE · score 70–79`); without, the signal is named on the line above.
 */
export interface EvidenceFigureParts {
  readonly signal: SignalText | null;
  /** The group's exchange, or null when it spans every exchange. */
  readonly exchange: string | null;
  /** The group's score band label (`70–79`), or null when it spans every score. */
  readonly scoreBand: string | null;
  /** Which way counts as the signal's: up for bull, down for bear. */
  readonly bias: Bias;
  /** Sessions after the signal. */
  readonly horizon: number;
  /** Formatted: share of final outcomes that went the signal's way, how many, and chance's share. */
  readonly hitRate: string;
  readonly count: string;
  readonly chanceHitRate: string;
  /** The track record's verdict on (signal − chance); `edge` adds no words. */
  readonly verdict: "edge" | "no-edge" | "worse-than-chance";
}

export interface EvidenceTexts {
  readonly figures: (parts: EvidenceFigureParts) => string;
  /** No group has enough final outcomes: `count` of `minimum` when some exist, else null. */
  readonly notEnoughHistory: (parts: {
    readonly signal: SignalText | null;
    readonly count: string | null;
    readonly minimum: string;
  }) => string;
  /** An intraday (or weekly) signal: the track record is of daily bars. */
  readonly notTracked: (signal: SignalText | null) => string;
}

/**
 * /live and the provisional alerts of forming intraday bars (vpa-signals.md §10): early warnings,
 * labelled as such, then one short line at the bar's close saying whether each held. Values come
 * formatted (`10:07`, `2.8×`, `50 %`).
 */
export interface LiveTexts {
  readonly on: string;
  readonly off: string;
  /** /live alone: the chat's setting, then how to change it. */
  readonly stateOn: string;
  readonly stateOff: string;
  readonly usage: string;
  /** The label before every provisional message: `[PROVISIONAL]`. */
  readonly label: string;
  /** `[PROVISIONAL] VN30F1M 1m bar 10:07: Effort to rise (bull), score 71 so far`. */
  readonly subject: (parts: {
    readonly label: string;
    readonly symbol: string;
    readonly timeframe: string;
    readonly barTime: string;
    readonly signal: SignalText;
    readonly bias: string;
    readonly score: number;
  }) => string;
  /** How the bar was read: share elapsed and the projected volume against the time of day's. */
  readonly projection: (parts: { readonly elapsed: string; readonly volumeRatio: string }) => string;
  /** Why it is only provisional. */
  readonly caveat: string;
  readonly held: (parts: {
    readonly symbol: string;
    readonly timeframe: string;
    readonly barTime: string;
    readonly signal: SignalText;
  }) => string;
  readonly didNotHold: (parts: {
    readonly symbol: string;
    readonly timeframe: string;
    readonly barTime: string;
    readonly signal: SignalText;
  }) => string;
}

export interface Catalogue {
  /** `<html lang>` of emails. */
  readonly htmlLang: string;
  /** A number we do not have (a bug upstream): shown instead of failing the whole message. */
  readonly notAvailable: string;
  readonly disclaimer: string;
  readonly priority: { readonly [P in Priority]: string };
  readonly bias: { readonly [B in Bias]: string };
  /** A signal's name from vpa-core's registry (with its variant), in this catalogue's language(s). */
  readonly signalName: (label: SignalText) => string;
  /** The registry's one-line explanation: one line per language shown. */
  readonly explanation: (text: SignalText) => readonly string[];
  readonly alert: AlertTexts;
  readonly digest: DigestTexts;
  readonly top: TopTexts;
  readonly chart: ChartTexts;
  readonly portfolio: PortfolioTexts;
  readonly help: HelpTexts;
  readonly subscription: SubscriptionTexts;
  readonly settings: SettingsTexts;
  readonly signals: SignalsTexts;
  readonly refusal: RefusalTexts;
  readonly scan: ScanTexts;
  readonly status: StatusTexts;
  readonly evidence: EvidenceTexts;
  readonly live: LiveTexts;
}
