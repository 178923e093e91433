/**
 * @vpa/dev-services: finds or starts Redis and PostgreSQL for development and tests (`vpa services
 * up|status|down`), and makes sure of the other programs the test suite runs (`findTool`).
 * A development tool: workers in production are given their servers' URLs and never start one.
 */
export type { ServiceAction, ServiceSituation } from "./decide-service-action.ts";
export { aptPackages, decideServiceAction, describeHowToProvide } from "./decide-service-action.ts";
export type { TestToolsAction, TestToolsSituation } from "./decide-test-tools-action.ts";
export { decideTestToolsAction } from "./decide-test-tools-action.ts";
export type { EnsureTestToolsOptions } from "./ensure-test-tools.ts";
export { ensureTestTools } from "./ensure-test-tools.ts";
export { findExecutable, postgresBinaryDirectories } from "./find-binaries.ts";
export { findTool, locateTestTools } from "./find-tool.ts";
export type { ListenerKind, ProbeResult } from "./probe-result.ts";
export type { CommandResult, RunCommandOptions } from "./run-command.ts";
export { describeCommandFailure, runCommand } from "./run-command.ts";
export type { ServiceName, ServiceOrigin, ServiceStatus, ServicesOptions } from "./service-types.ts";
export { serviceNames, serviceOrigins } from "./service-types.ts";
export type { ServicesErrorCode } from "./services-error.ts";
export { ServicesError, servicesErrorCodes } from "./services-error.ts";
export { servicesDown, servicesStatus, servicesUp } from "./services-manager.ts";
export type { TestToolName } from "./test-tools.ts";
export { aptPackagesFor, testToolNames, testTools } from "./test-tools.ts";
