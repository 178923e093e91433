/**
 * Exchange holidays 2024–2026 exactly as vn-market.md §5 lists them (from vnstock's market
 * calendar); `to` is inclusive. Ranges may include weekend days, as the source does. Later years
 * (or corrections) come from the operator through `createHolidayCalendar`, not from a release.
 */
export const VN_EXCHANGE_HOLIDAY_RANGES = [
  { from: "2024-01-01", to: "2024-01-01" },
  { from: "2024-02-08", to: "2024-02-14" },
  { from: "2024-04-18", to: "2024-04-18" },
  { from: "2024-04-29", to: "2024-05-01" },
  { from: "2024-09-02", to: "2024-09-03" },
  { from: "2025-01-01", to: "2025-01-01" },
  { from: "2025-01-27", to: "2025-02-01" },
  { from: "2025-04-07", to: "2025-04-07" },
  { from: "2025-04-30", to: "2025-05-02" },
  { from: "2025-09-01", to: "2025-09-02" },
  { from: "2026-01-01", to: "2026-01-02" },
  { from: "2026-02-16", to: "2026-02-20" },
  { from: "2026-04-27", to: "2026-04-27" },
  { from: "2026-04-30", to: "2026-05-01" },
  { from: "2026-08-31", to: "2026-09-02" },
  { from: "2026-11-24", to: "2026-11-24" },
] as const;
