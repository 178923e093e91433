/** The figures of a chaos run as text: one table row per scenario, then what explains each failure. */
import type { ScenarioResult } from "./run-scenario.ts";

const COLUMNS = [
  "scenario",
  "verdict",
  "expected",
  "delivered",
  "lost",
  "duplicated",
  "uncertain (delivered) / allowed",
  "failed rows",
  "sending rows",
  "drain",
  "workers recovered",
] as const;

function drainText(result: ScenarioResult): string {
  if (result.drainSeconds !== null) return `${result.drainSeconds.toFixed(0)} s`;
  return `not drained (${result.stoppedBecause}, ${result.unsettled} unsettled)`;
}

export function formatSummaryTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    result.scenario,
    result.error !== undefined ? "ERROR" : result.pass ? "PASS" : "FAIL",
    String(result.expected),
    String(result.delivered),
    String(result.lost),
    String(result.duplicated),
    `${result.uncertain} (${result.uncertainDelivered}) / ${result.uncertainAllowance}`,
    String(result.failedRows),
    String(result.sendingRows),
    drainText(result),
    result.recovered ? "yes" : "no",
  ]);
  const lines = [`| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

function entries(record: Readonly<Record<string, number>>): string {
  const list = Object.entries(record).sort((left, right) => right[1] - left[1]);
  return list.length === 0 ? "none" : list.map(([key, count]) => `${key} ${count}`).join(", ");
}

export function formatScenarioDetail(result: ScenarioResult): string {
  const lines = [
    `${result.scenario}: ${result.error !== undefined ? `ERROR ${result.error}` : result.pass ? "PASS" : "FAIL"}`,
  ];
  lines.push(`  faults: ${result.faults.length === 0 ? "none" : ""}`);
  for (const fault of result.faults) lines.push(`    ${fault}`);
  const audit = result.audit;
  if (audit !== null) {
    lines.push(
      `  signals ${audit.signals} (${audit.signalsWithoutAlert} without an alert row); expected ${audit.expected}, delivered ${audit.delivered}`,
    );
    lines.push(
      `  rows by status: ${entries(audit.rowsByStatus)}${audit.alertsByState === null ? "" : `; alerts by state: ${entries(audit.alertsByState)}`}`,
    );
    lines.push(
      `  lost by row status: ${entries(audit.lostByRowStatus)}; of the lost, still owed (late, not given up) ${audit.lostStillOwed}`,
    );
    lines.push(`  delivered but recorded as: ${entries(audit.deliveredRecordedAs)}`);
    lines.push(
      `  duplicated ${audit.duplicated} in ${audit.duplicatedPairs} pairs; sent rows never accepted ${audit.sentNotAccepted}; unexpected messages ${audit.unexpectedMessages}`,
    );
    if (audit.deactivated.length > 0) {
      lines.push(
        `  deactivated: ${audit.deactivated.map((subscriber) => `${subscriber.chatId} (${subscriber.reason ?? "?"})`).join("; ")}`,
      );
    }
    for (const example of audit.examples.lost) lines.push(`  lost e.g. ${example}`);
    for (const example of audit.examples.duplicated) lines.push(`  duplicated e.g. ${example}`);
    for (const example of audit.examples.uncertainNotDelivered)
      lines.push(`  uncertain, not delivered, e.g. ${example}`);
  }
  const telegram = result.telegram;
  lines.push(
    `  telegram: ${telegram.requests} requests, ${telegram.accepted} accepted; 429 by limit chat ${telegram.limitedByChat} / group ${telegram.limitedByGroup} / bot ${telegram.limitedByBot}, ` +
      `storm 429 ${telegram.stormRateLimited}, 5xx ${telegram.serverErrors}, hung before/after accepting ${telegram.hungBeforeAccept}/${telegram.hungAfterAccept}, 403 ${telegram.forbidden}, 400 ${telegram.badRequests}`,
  );
  for (const [queue, failed] of Object.entries(result.failedJobs)) {
    lines.push(`  failed ${queue} jobs: ${failed.count}: ${entries(failed.reasons)}`);
  }
  for (const worker of result.workers) {
    lines.push(
      `  ${worker.name}: ${worker.alive ? "alive" : "dead"}, ${worker.ready ? "ready" : "not ready"}, ${worker.tookJobs ? "took jobs" : "took no jobs"}, ` +
        `${worker.starts} start(s), ${worker.unexpectedExits} unexpected exit(s)`,
    );
  }
  const problems = Object.entries(result.workerProblems)
    .sort((left, right) => right[1] - left[1])
    .slice(0, 12);
  if (problems.length > 0)
    lines.push(
      `  worker log warnings/errors: ${problems.map(([message, count]) => `${message} ×${count}`).join("; ")}`,
    );
  lines.push(`  logs: ${result.logDir}`);
  return lines.join("\n");
}
