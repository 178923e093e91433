import type { BotStatus } from "@vpa/db";
import type { QueueJobCounts } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { en } from "../i18n/en.ts";
import { vi } from "../i18n/vi.ts";
import { formatBotStatus } from "./format-bot-status.ts";

const status: BotStatus = {
  activeSubscribers: { telegram: 2 },
  activeSubscriptions: 3,
  lastSignal: null,
  deliveriesLast24h: {},
};

/** The alerts queue with only prioritized jobs waiting, as it is in production (ALERT_JOB_PRIORITY). */
const alerts: QueueJobCounts = {
  queue: "alerts",
  waiting: 1,
  prioritized: 4,
  active: 2,
  delayed: 3,
  waitingChildren: 5,
  failed: 6,
  completed: 7,
};

describe("formatBotStatus queues", () => {
  it("shows prioritized jobs as waiting (ready to run), and neither completed nor waiting-children", () => {
    const text = formatBotStatus(status, [alerts], en);
    expect(text).toContain("Queues (waiting, active, delayed, failed):\n• alerts: 5, 2, 3, 6");
  });

  it("says the queues are unavailable when Redis did not answer, in Vietnamese with English beside", () => {
    const text = formatBotStatus(status, null, vi);
    expect(text).toContain("Hàng đợi (chờ, đang chạy, hoãn, lỗi)");
    expect(text).toContain("không đọc được");
    expect(text).not.toContain("• alerts");
  });
});
