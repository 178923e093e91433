import type { Database } from "@vpa/db";
import type { Kysely } from "kysely";
import type { Catalogue } from "../i18n/catalogue.ts";
import type { Language } from "../i18n/language.ts";
import type { BotAccess } from "./chat-access.ts";
import type { StatusQueue } from "./read-queue-depths.ts";
import type { SymbolCharts } from "./symbol-charts.ts";

/** What /scan gets back: how many symbols the scan enqueued (0: nothing stored to scan). */
export interface ScanRequestResult {
  readonly symbols: number;
}

/** The part of a BullMQ job /resume needs. */
export interface HeldDeliveryJob {
  isDelayed(): Promise<boolean>;
  promote(): Promise<void>;
}

/** The part of the `deliveries` queue (BullMQ `Queue`) /resume needs. */
export interface HeldDeliveryJobs {
  getJob(jobId: string): Promise<HeldDeliveryJob | undefined>;
}

/** What the bot was started with, the same for every chat. */
export interface BotServices {
  readonly access: BotAccess;
  readonly now: () => Date;
  /** The queues /status reports, looked up only when asked; absent: database figures only. */
  readonly statusQueues?: () => readonly StatusQueue[];
  /** Enqueues a scan of the newest bars now (/scan); absent: /scan says it is not available. */
  readonly requestScan?: () => Promise<ScanRequestResult>;
  /**
   * The deliveries queue, looked up only on /resume: a paused chat's owed deliveries wait in it,
   * delayed until the pause would have ended, and /resume runs them now. Absent: they run then.
   */
  readonly heldDeliveries?: () => HeldDeliveryJobs;
  /** /chart's drawings (the alerts' renderer and cache); absent: /chart says it is not available. */
  readonly charts?: SymbolCharts;
  /**
   * The read replica (DATABASE_READ_URL) for the replies that only read what the scans stored:
   * /signals, /top, /chart, /portfolio, /status. Absent: the primary. A chat's own settings and
   * subscriptions stay on the primary: its next command must see what the last one changed.
   */
  readonly readDb?: Kysely<Database>;
}

/** One command's context: the bot's services and the chat's language. */
export interface BotCommandContext extends BotServices {
  /** The chat's own choice (/lang), else ALERT_LANGUAGE. */
  readonly language: Language;
  /** The words of `language`. */
  readonly text: Catalogue;
}
